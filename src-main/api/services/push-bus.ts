import type { PushChannel, PushOf } from '../../contract/channels.ts'

export type PushListener = <C extends PushChannel>(channel: C, payload: PushOf<C>) => void

/** Pushes from the app to whoever listens (IPC, the event stream, the tray): one fan-out. */
export class PushBus {
  private readonly listeners = new Set<PushListener>()

  on(listener: PushListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit<C extends PushChannel>(channel: C, payload: PushOf<C>): void {
    for (const listener of this.listeners) listener(channel, payload)
  }
}
