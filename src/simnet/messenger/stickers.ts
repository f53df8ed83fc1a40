/**
 * The sticker catalog: a few packs with numeric sticker ids, as Messenger has them (the big
 * thumbs-up is the real 369239263222822). Images are small SVGs carried as data: URIs, so the
 * catalog needs no file storage.
 */
import type { WireSticker, WireStickerPack } from "./protocol.js";

export const STICKER_PACKS: readonly WireStickerPack[] = [
  { id: "227877430692340", name: "Classics" },
  { id: "126361874215276", name: "Cat Moods" },
  { id: "144885062352606", name: "Weather" },
];

const ENTRIES: readonly [id: string, pack: number, label: string, emoji: string][] = [
  ["369239263222822", 0, "thumbs up", "👍"],
  ["369239343222814", 0, "big thumbs up", "👍"],
  ["369239383222810", 0, "huge thumbs up", "👍"],
  ["1530358710538271", 0, "heart", "❤️"],
  ["1530358957204913", 0, "laughing", "😂"],
  ["1530359000538242", 0, "wow", "😮"],
  ["126362180881912", 1, "happy cat", "😺"],
  ["126362100881920", 1, "sleepy cat", "😴"],
  ["126361967548600", 1, "grumpy cat", "😾"],
  ["126362034215260", 1, "cat in love", "😻"],
  ["126362137548583", 1, "surprised cat", "🙀"],
  ["144885262352586", 2, "sunny", "☀️"],
  ["144885159019263", 2, "rainy", "🌧️"],
  ["144885315685914", 2, "snowy", "❄️"],
  ["144885035685942", 2, "stormy", "⛈️"],
];

function image(emoji: string, label: string): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120"><title>${label}</title><text x="60" y="84" font-size="72" text-anchor="middle">${emoji}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}

export const STICKERS: readonly WireSticker[] = ENTRIES.map(([id, pack, label, emoji]) => ({
  id,
  pack_id: STICKER_PACKS[pack]!.id,
  label,
  emoji,
  image_uri: image(emoji, label),
}));

const BY_ID = new Map(STICKERS.map((s) => [s.id, s]));

export function findSticker(id: string): WireSticker | undefined {
  return BY_ID.get(id);
}
