import { conformanceSuite } from "./scenarios.js";

conformanceSuite("instagram");
