import { conformanceSuite } from "./scenarios.js";

conformanceSuite("messenger");
