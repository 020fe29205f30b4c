#!/usr/bin/env node
import { main } from "./main.js";
import { tuneV8 } from "./v8-tuning.js";

// Before any simulation is optimized: see INLINING_FLAGS.
tuneV8();
process.exitCode = await main(process.argv.slice(2));
