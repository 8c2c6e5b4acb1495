import type { ServerResponse } from 'node:http'

const HEARTBEAT_MS = 15_000

/**
 * The Server-Sent Events clients of the host. Each has a bound on what it may leave unread: a
 * client that does not read (a frozen tab, a hostile socket) is dropped instead of growing the
 * host's memory; it reconnects and reloads when it can.
 */
export class EventClients {
  private readonly clients = new Set<ServerResponse>()
  private readonly maxUnreadBytes: number

  constructor(maxUnreadBytes: number) {
    this.maxUnreadBytes = maxUnreadBytes
  }

  get size(): number {
    return this.clients.size
  }

  /** Turns a response into an event stream and keeps it until it closes. */
  add(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' })
    res.write(': connected\n\n')
    this.clients.add(res)
    const heartbeat = setInterval(() => this.send(res, ': keep-alive\n\n'), HEARTBEAT_MS)
    heartbeat.unref()
    res.on('close', () => {
      clearInterval(heartbeat)
      this.clients.delete(res)
    })
  }

  broadcast(event: string, payload: unknown): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`
    for (const client of this.clients) this.send(client, frame)
  }

  closeAll(): void {
    for (const client of this.clients) client.end()
  }

  private send(client: ServerResponse, frame: string): void {
    if (client.writableLength > this.maxUnreadBytes) {
      this.clients.delete(client)
      client.destroy()
      return
    }
    client.write(frame)
  }
}
