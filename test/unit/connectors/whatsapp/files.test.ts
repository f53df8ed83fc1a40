import { describe, expect, it } from "@jest/globals";
import { waveformFromWhatsapp, waveformToWhatsapp } from "../../../../src/connectors/whatsapp/files.js";

describe("whatsapp voice note waveforms", () => {
  it("scales WhatsApp's 0-100 samples to MSC3245's 0-1024", () => {
    expect(waveformFromWhatsapp([0, 20, 50, 90, 100])).toEqual([0, 205, 512, 922, 1024]);
  });

  it("scales 0-1024 samples back to 0-100", () => {
    expect(waveformToWhatsapp([0, 205, 512, 922, 1024])).toEqual([0, 20, 50, 90, 100]);
  });

  it("clamps samples out of range and replaces ones that are not numbers", () => {
    expect(waveformFromWhatsapp([-5, 250, Number.NaN])).toEqual([0, 1024, 0]);
    expect(waveformToWhatsapp([-1, 5000, Number.POSITIVE_INFINITY])).toEqual([0, 100, 0]);
  });

  it("survives a round trip for every WhatsApp sample", () => {
    const all = Array.from({ length: 101 }, (_, i) => i);
    expect(waveformToWhatsapp(waveformFromWhatsapp(all))).toEqual(all);
  });
});
