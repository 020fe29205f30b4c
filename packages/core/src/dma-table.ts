/**
 * Streaming DMA mappings of pages (`dma_map_page` / `dma_unmap_page` and the
 * `dma_sync_*` calls), as a strategy's driver makes them. The device may only
 * write into mapped pages: behind an IOMMU a write to an unmapped page faults.
 * Counted so a cost profile can price them; one flat array, no object per page.
 */
export interface DmaApi {
  /** `dma_map_page(DMA_FROM_DEVICE)`: the device may now write `page`. A page may be mapped more than once. */
  map(page: number): void;
  /** `dma_unmap_page`: drop one mapping of `page`; the device must no longer write it. */
  unmap(page: number): void;
  /** `dma_sync_single_range_for_cpu`: one received buffer made visible to the CPU. */
  syncForCpu(page: number): void;
  /** `dma_sync_single_range_for_device`: one reused buffer handed back to the device. */
  syncForDevice(page: number): void;
  /** True while `page` has at least one mapping. */
  isMapped(page: number): boolean;
}

/** Told of every map and unmap (the invariant checker). */
export interface DmaObserver {
  /** `page` gained a mapping; `mappings` is its count now. */
  pageMapped(page: number, mappings: number): void;
  /** `page` lost a mapping; `mappings` is its count now (-1: it had none). */
  pageUnmapped(page: number, mappings: number): void;
}

/** Counters of a {@link DmaTable}. */
export interface DmaCounters {
  /** `dma_map_page` calls. */
  readonly dmaMaps: number;
  /** `dma_unmap_page` calls. */
  readonly dmaUnmaps: number;
  /** `dma_sync_*` calls (for the CPU and for the device). */
  readonly dmaSyncs: number;
  /** Pages with at least one mapping now. */
  readonly mappedPages: number;
  /** Most pages mapped at once. */
  readonly peakMappedPages: number;
}

/** The DMA mappings of one simulated device. */
export class DmaTable implements DmaApi, DmaCounters {
  dmaMaps = 0;
  dmaUnmaps = 0;
  dmaSyncs = 0;
  mappedPages = 0;
  peakMappedPages = 0;
  private count = new Int32Array(1024);
  private observer: DmaObserver | null = null;

  /** Set the observer told of maps and unmaps (null: none). */
  setObserver(observer: DmaObserver | null): void {
    this.observer = observer;
  }

  map(page: number): void {
    this.dmaMaps++;
    if (page >= this.count.length) this.grow(page);
    const n = ++this.count[page];
    if (n === 1 && ++this.mappedPages > this.peakMappedPages) this.peakMappedPages = this.mappedPages;
    if (this.observer !== null) this.observer.pageMapped(page, n);
  }

  unmap(page: number): void {
    this.dmaUnmaps++;
    let n = -1;
    if (page >= 0 && page < this.count.length && this.count[page] > 0) {
      n = --this.count[page];
      if (n === 0) this.mappedPages--;
    }
    if (this.observer !== null) this.observer.pageUnmapped(page, n);
  }

  syncForCpu(_page: number): void {
    this.dmaSyncs++;
  }

  syncForDevice(_page: number): void {
    this.dmaSyncs++;
  }

  isMapped(page: number): boolean {
    return page >= 0 && page < this.count.length && this.count[page] > 0;
  }

  /** Ids of every page still mapped, ascending (teardown's mapping-leak check). */
  mappedPageIds(): number[] {
    const out: number[] = [];
    for (let p = 0; p < this.count.length; p++) if (this.count[p] > 0) out.push(p);
    return out;
  }

  private grow(page: number): void {
    let cap = this.count.length;
    while (cap <= page) cap *= 2;
    const b = new Int32Array(cap);
    b.set(this.count);
    this.count = b;
  }
}
