import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describeFactoryProblem, describeThrown, type RxStrategyFactory } from "@rxsim/core";
import { CliError } from "./errors.js";
import { BUILTIN_STRATEGIES } from "./registry.js";

function looksLikePath(spec: string): boolean {
  return spec.startsWith("./") || spec.startsWith("../") || isAbsolute(spec) || /\.(m?js|cjs)$/.test(spec);
}

/**
 * Turn a module's exports into a factory: its default export or an export
 * named `strategy` or `factory` may be a factory, or a function of no
 * arguments (like `createDqoStrategy`) that returns one.
 */
function factoryFromModule(spec: string, mod: Record<string, unknown>): RxStrategyFactory {
  try {
    return checkedFactory(spec, mod);
  } catch (error) {
    if (error instanceof CliError) throw error;
    // A throwing getter or a Proxy on the exports or the factory: still one line naming the module.
    throw new CliError(
      `strategy module ${spec} does not meet the rxsim strategy contract: reading it threw ${describeThrown(error)}`,
    );
  }
}

function checkedFactory(spec: string, mod: Record<string, unknown>): RxStrategyFactory {
  const candidates = [mod.default, mod.strategy, mod.factory].filter((c) => c !== undefined);
  if (candidates.length === 0) {
    throw new CliError(`strategy module ${spec} has no default export (nor a "strategy" or "factory" export)`);
  }
  let value: unknown = candidates[0];
  if (typeof value === "function") {
    try {
      value = (value as () => unknown)();
    } catch (error) {
      throw new CliError(`strategy module ${spec}: calling its exported function failed: ${describeThrown(error)}`);
    }
  }
  const problem = describeFactoryProblem(value);
  if (problem) throw new CliError(`strategy module ${spec} does not meet the rxsim strategy contract: ${problem}`);
  // A plain copy, read once here: later reads of a getter or a Proxy could throw mid-run.
  const factory = value as RxStrategyFactory;
  const create = factory.create;
  return {
    contractVersion: factory.contractVersion,
    name: String(factory.name),
    options: factory.options,
    create: (env) => create.call(factory, env),
  };
}

/**
 * Import a module; a package name that is not installed beside rxsim is
 * looked up from the working directory too (rxsim run through npx, the
 * strategy package installed in the user's project).
 */
async function importFrom(url: string, spec: string, cwd: string): Promise<unknown> {
  try {
    return await import(url);
  } catch (error) {
    if (looksLikePath(spec) || (error as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    let resolved: string;
    try {
      resolved = createRequire(join(cwd, "package.json")).resolve(spec);
    } catch {
      throw error;
    }
    return import(pathToFileURL(resolved).href);
  }
}

/**
 * `import(url)`, or a CliError when it can never settle: a module whose
 * top-level await waits on nothing would otherwise end the process silently
 * with exit code 13. Node empties its event loop first (`beforeExit`), which
 * is the sign that nothing can resolve the import any more.
 */
async function importSettling(load: () => Promise<unknown>, spec: string): Promise<unknown> {
  let onBeforeExit: () => void = () => {};
  const never = new Promise<never>((_, reject) => {
    onBeforeExit = () =>
      reject(
        new CliError(
          `strategy module ${spec} never finished loading: its top-level await waits on something that never happens`,
        ),
      );
    process.once("beforeExit", onBeforeExit);
  });
  try {
    return await Promise.race([load(), never]);
  } finally {
    process.off("beforeExit", onBeforeExit);
  }
}

/** Load one strategy by built-in name, file path or package name. */
export async function loadStrategy(spec: string, cwd = process.cwd()): Promise<RxStrategyFactory> {
  const builtin = BUILTIN_STRATEGIES[spec];
  if (builtin) return builtin.create();
  let url: string;
  if (looksLikePath(spec)) {
    url = pathToFileURL(resolve(cwd, spec)).href;
  } else if (/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(spec)) {
    url = spec;
  } else {
    throw new CliError(`unknown strategy "${spec}" (built in: ${Object.keys(BUILTIN_STRATEGIES).join(", ")})`);
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await importSettling(() => importFrom(url, spec, cwd), spec)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as { code?: string }).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "ERR_UNSUPPORTED_DIR_IMPORT") {
      throw new CliError(
        looksLikePath(spec)
          ? `strategy module ${spec} not found`
          : `unknown strategy "${spec}": not built in (${Object.keys(BUILTIN_STRATEGIES).join(", ")}) and no package of that name is installed`,
      );
    }
    throw new CliError(`strategy module ${spec} failed to load: ${(error as Error).message}`);
  }
  return factoryFromModule(spec, mod);
}

/** Parse `--strategies a,b,c` and load each; names must be unique. */
export async function loadStrategies(list: string, cwd = process.cwd()): Promise<RxStrategyFactory[]> {
  const specs = list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (specs.length === 0) throw new CliError("--strategies needs at least one strategy");
  const factories: RxStrategyFactory[] = [];
  for (const spec of specs) factories.push(await loadStrategy(spec, cwd));
  const seen = new Set<string>();
  for (const f of factories) {
    if (seen.has(f.name)) throw new CliError(`--strategies names strategy "${f.name}" twice`);
    seen.add(f.name);
  }
  return factories;
}
