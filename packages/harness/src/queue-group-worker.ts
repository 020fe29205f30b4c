// A queue thread (queue-threads.ts starts it): runs one group of a multi-queue host's queues per
// "run" message, as many runs as it is sent.
import { workerData } from "node:worker_threads";
import { isQueueCannotStart, type RxStrategyFactory } from "@rxsim/core";
import { DISK_TRAFFIC_FILES } from "./disk-traffic-files.js";
import { GroupRun } from "./host-groups.js";
import {
  ABANDON,
  FINISH,
  type GroupMessage,
  type GroupRunRequest,
  type QueueThreadData,
} from "./queue-thread-protocol.js";
import { prepareInputs } from "./run-inputs.js";

const { port } = workerData as QueueThreadData;
const factories = new Map<string, RxStrategyFactory>();

async function factoryOf(request: GroupRunRequest): Promise<RxStrategyFactory> {
  const key = `${request.loader}\n${JSON.stringify(request.ref)}`;
  let factory = factories.get(key);
  if (factory === undefined) {
    const loader = (await import(request.loader)) as { loadFactory(ref: unknown): Promise<RxStrategyFactory> };
    factory = await loader.loadFactory(request.ref);
    factories.set(key, factory);
  }
  return factory;
}

async function run(request: GroupRunRequest): Promise<void> {
  const signal = new Int32Array(request.signal);
  const shared = new Float64Array(request.shared);
  const send = (message: GroupMessage, transfer: ArrayBuffer[] = []) => {
    port.postMessage(message, transfer);
    // The caller waits on this counter (it runs synchronously): wake it.
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  try {
    const factory = await factoryOf(request);
    const config = request.config;
    let group: GroupRun;
    try {
      group = new GroupRun(
        config,
        factory,
        prepareInputs(config, DISK_TRAFFIC_FILES),
        request.queues,
        (chunk, count) => send({ type: "records", chunk, count }, [chunk.buffer as ArrayBuffer]),
        (done) => {
          shared[3 + request.group] = done;
        },
      );
    } catch (e) {
      if (!isQueueCannotStart(e)) throw e;
      send({ type: "fallback", reason: "a queue cannot start" });
      return;
    }
    send({ type: "started", residentPages: group.begin() });
    send({ type: "loop", ...group.loop() });
    // The host stops where its last busy group does: run the events before that, then finish there.
    let commands = 0;
    for (;;) {
      Atomics.wait(signal, 1 + request.group, commands);
      commands = Atomics.load(signal, 1 + request.group);
      if (shared[2] === ABANDON) return;
      if (shared[2] === FINISH) {
        send({ type: "finished", end: group.finish(shared[0]) });
        return;
      }
      send({ type: "advanced", stop: group.advance({ t: shared[0], queue: shared[1] }) });
    }
  } catch (e) {
    send({ type: "fallback", reason: e instanceof Error ? e.message : String(e) });
  }
}

port.on("message", (request: GroupRunRequest) => {
  void run(request);
});
