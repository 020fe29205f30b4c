import { InvariantChecker } from "./checker.js";
import type { Clock } from "./clock.js";
import { resolveRxQueueConfig } from "./config.js";
import { CostMeter, createPoolWork, type PoolWork } from "./cost-meter.js";
import { isZeroCost } from "./cost-profile.js";
import type { DecisionLogSink } from "./decision-log-sink.js";
import { COMPL_EOP, COMPL_RX_ERROR, COMPL_SIM_SKB_ALLOC_FAIL } from "./descriptors.js";
import { DmaTable } from "./dma-table.js";
import type { PageTable } from "./page-table.js";
import { PostedBuffers } from "./posted-buffers.js";
import { logComplete, logRefill, logRelease, logTeardown } from "./queue-log-lines.js";
import { BufferQueue, CompletionQueue } from "./rings.js";
import { RxDevice } from "./rx-device.js";
import type { RxQueueCounters, RxQueueOptions, StackSink } from "./rx-queue-types.js";
import { SkbTable } from "./skb-table.js";
import {
  CompletionKind,
  CompletionResult,
  type FragmentRedirect,
  RX_STRATEGY_CONTRACT_VERSION,
  type RxQueueConfig,
  type RxStrategy,
  type RxStrategyEnv,
} from "./strategy.js";
import {
  badCompletionResult,
  createCheckedStrategy,
  postBeyondLimit,
  readStrategyStats,
  refillMiscounted,
  strategyThrew,
} from "./strategy-fault.js";

const NONE = -1;
/** The solo skb (see RxQueue.soloSkb): none, being built, or handed to the stack and not yet released. */
const SOLO_NONE = 0;
const SOLO_BUILDING = 1;
const SOLO_DELIVERED = 2;
// Module constants for the per-packet paths: under a module runner (vitest) every
// read of an imported binding is a getter call.
const EOP = COMPL_EOP;
const RX_ERROR = COMPL_RX_ERROR;
const SKB_FAIL = COMPL_SIM_SKB_ALLOC_FAIL;
const K_FRAGMENT = CompletionKind.Fragment;
const K_COPY = CompletionKind.Copy;
const K_ERROR = CompletionKind.Error;
const K_NOMEM = CompletionKind.NoMemory;
const R_REJECTED = CompletionResult.Rejected;
const R_ACCEPTED = CompletionResult.Accepted;
const R_REDIRECTED = CompletionResult.Redirected;
const R_DROPPED = CompletionResult.Dropped;

/**
 * One simulated RX queue: the device's side of the rings and the driver's NAPI
 * poll (`gve_rx_poll_dqo` / `gve_rx_dqo`), with the buffer management
 * delegated to a strategy. Time-free: whoever drives it (the harness, the
 * conformance suite) decides when packets arrive, when polls run and when the
 * stack releases skbs.
 */
export class RxQueue {
  readonly config: RxQueueConfig;
  readonly pages: PageTable;
  readonly bufq: BufferQueue;
  readonly complq: CompletionQueue;
  readonly skbs = new SkbTable();
  readonly strategy: RxStrategy;
  /** The device's DMA mappings (what the strategy maps through `env.dma`). */
  readonly dma = new DmaTable();
  /** Work only the strategy can report (page_pool's), through `env.work`. */
  readonly work: PoolWork = createPoolWork();
  /** Prices each poll when a non-zero cost table was given, else null (no cost at all). */
  readonly costMeter: CostMeter | null;
  /** CPU ns of the last poll (0 without a cost meter). */
  lastPollNs = 0;
  /** The installed checker, or null. */
  readonly checker: InvariantChecker | null;
  readonly counters: RxQueueCounters = {
    rx_packets: 0,
    rx_bytes: 0,
    rx_copybreak_pkt: 0,
    rx_skb_alloc_fail: 0,
    rx_desc_err_dropped_pkt: 0,
    rx_invalid_buf_id: 0,
    rx_no_buffer: 0,
    completions: 0,
    buffersPosted: 0,
    refills: 0,
    polls: 0,
    chainedSkbs: 0,
  };

  private readonly stack: StackSink;
  private readonly log: DecisionLogSink | null;
  private readonly clock: Clock;
  private readonly redirect: FragmentRedirect = { page: NONE, offset: 0 };
  private postBudget = 0;
  private stopped = false;
  private readonly strategyCopybreak: number;
  /** The strategy listens to fragment releases: read once, so releasing asks no per-fragment question of it. */
  private readonly notifyRelease: boolean;
  /** The factory's name: a faulty strategy's own `name` may not be readable. */
  private readonly strategyName: string;

  // skb under construction (`rx->ctx.skb_head`), its fragment count in the current chained skb, and bytes.
  private skbHead = NONE;
  private tailFrags = 0;
  private skbBytes = 0;

  // A one-buffer packet's skb (most packets) is built in these scalars under a reserved id,
  // `soloSkb`, and written into the SkbTable only when it gains a second fragment or the
  // stack keeps it past `deliver`: a stack that releases at once never touches the table.
  private soloSkb: number;
  private soloState = SOLO_NONE;
  private soloPage = 0;
  private soloOff = 0;
  private soloLen = 0;
  private soloCookie = 0;

  /** The NIC's side: takes posted buffers, writes completions. */
  private readonly device: RxDevice;
  private readonly posted = new PostedBuffers();

  constructor(options: RxQueueOptions) {
    this.soloSkb = this.skbs.reserve();
    const config = resolveRxQueueConfig(options.config);
    if (options.pages.pageSize !== config.pageSize) {
      throw new RangeError(
        `page table page size ${options.pages.pageSize} differs from config.pageSize ${config.pageSize}`,
      );
    }
    this.config = config;
    this.pages = options.pages;
    this.bufq = new BufferQueue(config.bufqSlots, config.doorbellThreshold);
    this.complq = new CompletionQueue(config.complqSlots);
    this.stack = options.stack;
    this.log = options.log ?? null;
    this.clock = options.clock;
    if (options.checker === true) this.checker = new InvariantChecker({ pageSize: config.pageSize });
    else if (options.checker instanceof InvariantChecker) this.checker = options.checker;
    else this.checker = null;
    if (this.checker) {
      this.pages.setObserver(this.checker);
      this.dma.setObserver(this.checker);
    }
    if (this.log) this.pages.setLog(this.log);
    if (options.costs && !isZeroCost(options.costs)) {
      this.costMeter = new CostMeter(options.costs, this.pages, this.dma, this.work);
      this.pages.trackRemote = true;
    } else {
      this.costMeter = null;
    }

    this.device = new RxDevice(
      this.bufq,
      this.complq,
      this.counters,
      options.oooWindow ?? 1,
      options.deviceRng ?? null,
    );

    const factory = options.strategy;
    if (factory.contractVersion !== RX_STRATEGY_CONTRACT_VERSION) {
      throw new TypeError(
        `strategy ${factory.name} implements contract version ${String(factory.contractVersion)}, this core understands ${RX_STRATEGY_CONTRACT_VERSION}`,
      );
    }
    const env: RxStrategyEnv = {
      config,
      pages: this.pages,
      post: (bufId, page, offset, len) => this.post(bufId, page, offset, len),
      dma: this.dma,
      work: this.work,
      redirect: this.redirect,
      rng: options.strategyRng,
      clock: options.clock,
      log: this.log,
    };
    this.strategyName = factory.name;
    // A strategy that breaks the contract is named with the member and the problem, at no cost per
    // packet: a try block costs nothing until something throws.
    const created = createCheckedStrategy(factory, env);
    this.strategy = created.strategy;
    this.strategyCopybreak = created.copybreak;
    this.notifyRelease = typeof created.strategy.onFragmentRelease === "function";
    if (created.listens) this.pages.setListener(created.strategy as Required<RxStrategy>);
  }

  // ---- driver: posting ---------------------------------------------------

  /** Post buffers through the strategy: `min(bufq free slots, complq free slots)` at most. Returns how many. */
  refill(): number {
    if (this.stopped) return 0;
    const max = Math.min(this.bufq.freeSlots(), this.complq.numFreeSlots);
    this.counters.refills++;
    if (this.log) logRefill(this.log, this.clock, max, this.pages.inNapi);
    this.postBudget = max;
    let n: number;
    try {
      n = this.strategy.refill(max);
    } catch (e) {
      throw strategyThrew(this.strategyName, "refill", e);
    }
    const posted = max - this.postBudget;
    this.postBudget = 0;
    if (n !== posted) throw refillMiscounted(this.strategyName, n, posted);
    return n;
  }

  private post(bufId: number, page: number, offset: number, len: number): void {
    if (this.postBudget <= 0) throw postBeyondLimit(this.strategyName, bufId);
    this.postBudget--;
    if (this.checker) {
      this.checker.posted(bufId, page, offset, len, this.pages.isAllocated(page), this.dma.isMapped(page));
    }
    this.bufq.write(bufId, page, offset, len);
    this.posted.remember(bufId, page, offset);
    this.complq.numFreeSlots--;
    this.counters.buffersPosted++;
  }

  // ---- device ------------------------------------------------------------

  /** Buffers the device can see (posted and behind a doorbell) and has not filled. */
  deviceBuffersVisible(): number {
    return this.bufq.visibleToDevice();
  }

  /**
   * The device receives a packet of `len` bytes: it takes posted buffers from
   * the bufq head in order until the packet fits and writes one completion per
   * buffer. With too few visible buffers the packet is dropped (`rx_no_buffer`).
   * @param flags - {@link COMPL_RX_ERROR} (set on the last buffer), {@link COMPL_SIM_SKB_ALLOC_FAIL}, `COMPL_RSC`.
   * @returns true when received, false when dropped.
   */
  deviceReceive(len: number, flags: number, cookie: number): boolean {
    return this.device.receive(len, flags, cookie);
  }

  /**
   * Misbehaving-device hook: write one completion for any buffer id, as a
   * buggy device might (out of range, not posted, or twice).
   */
  deviceWriteRawCompletion(bufId: number, len: number, flags: number, cookie: number): void {
    this.complq.write(bufId, len, flags, cookie);
  }

  /** Write every held-back completion now, in random order (end of a burst, before a poll). */
  deviceFlush(): void {
    this.device.flush();
  }

  /** True when a completion waits for the driver. */
  hasCompletions(): boolean {
    return this.complq.hasNext();
  }

  // ---- driver: NAPI poll ---------------------------------------------------

  /**
   * One NAPI poll (`gve_rx_poll_dqo`): consume completions until `budget`
   * packets were completed or none is left, hand skbs to the stack, then
   * refill once. Returns the packets completed (work done).
   */
  poll(budget = this.config.budget): number {
    const complq = this.complq;
    const counters = this.counters;
    this.pages.inNapi = true;
    counters.polls++;
    const meter = this.costMeter;
    if (meter !== null) meter.begin();
    let workDone = 0;
    while (workDone < budget && complq.hasNext()) {
      const h = complq.head;
      const bufId = complq.bufId[h];
      const bytes = complq.packetLen[h];
      const flags = complq.flags[h];
      const cookie = complq.cookie[h];
      const err = this.handleCompletion(bufId, bytes, flags, cookie);
      if (err !== 0) {
        this.dropSkb();
        if (err === 2) counters.rx_skb_alloc_fail++;
        else counters.rx_desc_err_dropped_pkt++;
      }
      complq.advance();
      if (err === 3) {
        // A completion for a buffer never posted returns no slot. (The kernel
        // advances its counters regardless; rxsim keeps its rings truthful.)
        complq.numFreeSlots--;
      } else {
        // A completion frees a bufq slot (the driver's head).
        this.bufq.head = (this.bufq.head + 1) & this.bufq.mask;
      }
      counters.completions++;
      if (this.skbHead === NONE || (flags & EOP) === 0) continue;
      workDone++;
      const skb = this.skbHead;
      counters.rx_packets++;
      counters.rx_bytes += this.skbBytes;
      this.skbHead = NONE;
      // Keep this shape (deliver written twice): the one-call form left V8, within its inlining
      // budget, inlining dqo's refill into the poll but not the post beneath it, 7 % more
      // instructions per packet with the checker on (scripts/jit-instructions.mjs).
      if (skb === this.soloSkb && this.soloState === SOLO_BUILDING) {
        this.soloState = SOLO_DELIVERED;
        this.stack.deliver(skb, cookie);
        // Still delivered, not released: the stack holds it, so it needs its record.
        if (this.soloState === SOLO_DELIVERED) this.writeSolo();
      } else {
        this.stack.deliver(skb, cookie);
      }
    }
    this.refill();
    if (meter !== null) this.lastPollNs = meter.end(workDone);
    this.pages.inNapi = false;
    return workDone;
  }

  /** `gve_rx_dqo`: 0 on success, 1 for -EINVAL, 2 for -ENOMEM, 3 for -EINVAL on an invalid buffer id. */
  private handleCompletion(bufId: number, bytes: number, flags: number, cookie: number): number {
    const strategy = this.strategy;
    const eop = (flags & EOP) !== 0;
    let kind: CompletionKind;
    if ((flags & RX_ERROR) !== 0) kind = K_ERROR;
    else if (this.skbHead === NONE && (flags & SKB_FAIL) !== 0) kind = K_NOMEM;
    else if (this.skbHead === NONE && eop && bytes <= this.strategyCopybreak) kind = K_COPY;
    else kind = K_FRAGMENT;

    // The device no longer writes this buffer, whatever happens next.
    const slotPage = this.posted.page(bufId);
    const slotOffset = this.posted.offset(bufId);
    if (this.log) logComplete(this.log, this.clock, bufId, kind, bytes);
    if (this.checker) this.checker.completed(bufId);
    let result: number;
    try {
      result = strategy.complete(bufId, kind, bytes);
    } catch (e) {
      throw strategyThrew(this.strategyName, "complete", e);
    }
    if (result === R_REJECTED) {
      this.counters.rx_invalid_buf_id++;
      return 3;
    }
    if (result !== R_ACCEPTED && result !== R_REDIRECTED && result !== R_DROPPED)
      throw badCompletionResult(this.strategyName, result, bufId);
    // The strategy took the buffer back: it is no longer outstanding.
    this.posted.release(bufId);
    if (kind === K_ERROR) return 1;
    if (kind === K_NOMEM || result === R_DROPPED) return 2;
    if (kind === K_COPY) {
      this.counters.rx_copybreak_pkt++;
      // The copied skb holds no page memory; it still travels up the stack.
      this.skbHead = this.skbs.allocSkb(cookie);
      this.skbBytes = bytes;
      return 0;
    }
    let page = slotPage;
    let offset = slotOffset;
    if (result === R_REDIRECTED) {
      page = this.redirect.page;
      offset = this.redirect.offset;
    }
    if (this.checker) this.checker.held(page, offset, bytes);
    if (this.skbHead === NONE) {
      // A new skb, kept in scalars until it needs its record (see soloSkb).
      this.skbs.countLive();
      this.skbHead = this.soloSkb;
      this.soloState = SOLO_BUILDING;
      this.soloPage = page;
      this.soloOff = offset;
      this.soloLen = bytes;
      this.soloCookie = cookie;
      this.tailFrags = 1;
      this.skbBytes = bytes;
      return 0;
    }
    if (this.skbHead === this.soloSkb && this.soloState === SOLO_BUILDING) this.writeSolo();
    if (this.tailFrags === this.config.maxSkbFrags) {
      this.counters.chainedSkbs++;
      this.tailFrags = 0;
    }
    this.skbs.addFrag(this.skbHead, page, offset, bytes);
    this.tailFrags++;
    this.skbBytes += bytes;
    return 0;
  }

  /** The skb in the solo scalars gets its SkbTable record (same id, already counted live); a new id is reserved. */
  private writeSolo(): void {
    const skbs = this.skbs;
    const skb = this.soloSkb;
    skbs.open(skb, this.soloCookie);
    skbs.addFrag(skb, this.soloPage, this.soloOff, this.soloLen);
    this.soloState = SOLO_NONE;
    this.soloSkb = skbs.reserve();
  }

  /** True while `bufId` is posted and the strategy has not taken it back. */
  isOutstanding(bufId: number): boolean {
    return this.posted.isOutstanding(bufId);
  }

  /** Largest buffer id the strategy ever posted (-1: none yet). */
  get largestPostedId(): number {
    return this.posted.largestId;
  }

  /** `gve_rx_free_skb`: drop the skb under construction; its fragments are released at once. */
  private dropSkb(inNapi = true): void {
    if (this.skbHead === NONE) return;
    const skb = this.skbHead;
    this.skbHead = NONE;
    this.releaseSkb(skb, inNapi);
  }

  // ---- stack -------------------------------------------------------------

  /**
   * The stack is done with `skb`: drop one page reference per fragment
   * (`put_page`, atomic) and tell the strategy if it listens.
   * @param inNapi - true when released inside the NAPI poll (napi_consume_skb).
   */
  releaseSkb(skb: number, inNapi = false): void {
    const skbs = this.skbs;
    const prevNapi = this.pages.inNapi;
    if (skb === this.soloSkb && this.soloState !== SOLO_NONE) {
      // The one-buffer skb still in the solo scalars: no record to read or free.
      this.pages.inNapi = inNapi;
      this.releaseFrag(this.soloPage, this.soloOff, this.soloLen, inNapi);
      this.soloState = SOLO_NONE;
      skbs.countFreed();
      this.pages.inNapi = prevNapi;
      return;
    }
    if (!skbs.isLive(skb)) throw new Error(`skb ${skb} is not live (released twice?)`);
    this.pages.inNapi = inNapi;
    // The first fragment sits in the skb's record; only packets of several buffers have a list.
    if (skbs.fragCount[skb] > 0) this.releaseFrag(skbs.firstPage[skb], skbs.firstOff[skb], skbs.firstLen[skb], inNapi);
    if (skbs.fragCount[skb] > 1) {
      for (let f = skbs.fragHead[skb]; f !== NONE; f = skbs.fragNext[f]) {
        this.releaseFrag(skbs.fragPage[f], skbs.fragOff[f], skbs.fragLen[f], inNapi);
      }
    }
    skbs.freeSkbRecord(skb);
    this.pages.inNapi = prevNapi;
  }

  /** One fragment of a released skb: `put_page`, and the strategy's `onFragmentRelease` when it listens. */
  private releaseFrag(page: number, off: number, len: number, inNapi: boolean): void {
    if (this.log) logRelease(this.log, this.clock, page, off, len, inNapi);
    if (this.checker) this.checker.released(page, off, len);
    // The page table throws nothing itself: what escapes put is the strategy's listener.
    try {
      this.pages.put(page);
    } catch (e) {
      throw strategyThrew(this.strategyName, "onPageCountDrop", e);
    }
    if (this.notifyRelease) {
      try {
        (this.strategy as Required<RxStrategy>).onFragmentRelease(page, off, len, inNapi);
      } catch (e) {
        throw strategyThrew(this.strategyName, "onFragmentRelease", e);
      }
    }
  }

  // ---- teardown ----------------------------------------------------------

  /**
   * Stop the device and tear the queue down (`gve_rx_free_ring_dqo`): the
   * device hands back every posted buffer and the strategy frees what it holds.
   * Live skbs stay valid; release them, then call {@link checkLeaks}.
   */
  teardown(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.device.stopped = true;
    // gve_rx_stop_ring_dqo (v6.14+) disables the pool's direct recycling and removes NAPI before the
    // ring is reset: the skb under construction is released outside NAPI, before the strategy's teardown.
    if (this.skbHead !== NONE) this.dropSkb(false);
    if (this.log) logTeardown(this.log, this.clock, "teardown");
    this.device.clear();
    if (this.checker) {
      // Every buffer the device still had is no longer written.
      const bufq = this.bufq;
      for (let s = bufq.head; s !== bufq.tail; s = (s + 1) & bufq.mask) this.checker.completed(bufq.bufId[s]);
    }
    try {
      this.strategy.teardown();
    } catch (e) {
      throw strategyThrew(this.strategyName, "teardown", e);
    }
  }

  /**
   * The strategy's `stats()`, checked: an object of finite numbers.
   * @throws StrategyFaultError when it throws or returns anything else.
   */
  strategyStats(): Record<string, number> {
    return readStrategyStats(this.strategyName, this.strategy);
  }

  /**
   * After {@link teardown}: when the strategy's deferred work is due
   * (simulated ns), or `Infinity` when none is pending. See `RxStrategy.teardownWorkAt`.
   */
  teardownWorkAt(): number {
    if (!this.stopped || this.strategy.teardownWorkAt === undefined) return Number.POSITIVE_INFINITY;
    try {
      return this.strategy.teardownWorkAt();
    } catch (e) {
      throw strategyThrew(this.strategyName, "teardownWorkAt", e);
    }
  }

  /** Run the strategy's deferred teardown work; the caller has set the clock to {@link teardownWorkAt}. */
  runTeardownWork(): void {
    if (!this.stopped || this.strategy.runTeardownWork === undefined) return;
    if (this.log) logTeardown(this.log, this.clock, "teardown-work");
    try {
      this.strategy.runTeardownWork();
    } catch (e) {
      throw strategyThrew(this.strategyName, "runTeardownWork", e);
    }
  }

  /** True once {@link teardown} ran. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * After teardown with every skb released: report still-allocated pages as a
   * leak, and still-mapped pages as a mapping leak, to the checker. Returns
   * the leaked page ids.
   */
  checkLeaks(): number[] {
    const leaked = this.pages.allocatedPages();
    if (this.checker) {
      // Mappings first: a page still mapped after teardown is a fault waiting for the device.
      this.checker.checkMappingLeaks(this.dma.mappedPageIds());
      this.checker.checkLeaks(leaked);
    }
    return leaked;
  }
}
