import { conformanceSuite } from "./scenarios.js";

conformanceSuite("whatsapp");
