import type { DataPackStatus } from '../../contract/channels.ts'
import type { DataPack } from '../../contract/reference.ts'
import type { Clock } from '../../core/clock.ts'
import type { DataPackStore } from '../../store/data-pack-store.ts'

/** The cited data set in use: the newest imported pack, else the bundled one. */
export class DataPackService {
  private current: DataPack

  private readonly store: DataPackStore
  private readonly clock: Clock

  constructor(store: DataPackStore, clock: Clock) {
    this.store = store
    this.clock = clock
    this.current = store.active().pack
  }

  pack(): DataPack {
    return this.current
  }

  status(): DataPackStatus {
    return this.store.status()
  }

  import(json: string): DataPackStatus {
    this.store.import(json, this.clock.nowMs())
    this.current = this.store.active().pack
    return this.store.status()
  }

  revert(): DataPackStatus {
    this.current = this.store.revert(this.clock.nowMs())
    return this.store.status()
  }
}
