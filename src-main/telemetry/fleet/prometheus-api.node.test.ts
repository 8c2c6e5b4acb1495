import { describe, expect, it } from 'vitest'
import { WattprintError } from '../../contract/errors.ts'
import { prometheusBase, queryRange } from './prometheus-api.ts'

const base = prometheusBase('http://prom.lab:9090/prometheus')
const range = { startS: 1000, endS: 2000, stepS: 15 }

/** A fetch that answers once with `body` (a string as it is, anything else as JSON) and records the URL asked. */
function answering(body: unknown, init: ResponseInit = { status: 200 }): { fetch: typeof fetch; asked: URL[] } {
  const asked: URL[] = []
  const fn = (async (url: URL) => {
    asked.push(url)
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), init)
  }) as unknown as typeof fetch
  return { fetch: fn, asked }
}

async function failure(promise: Promise<unknown>): Promise<WattprintError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof WattprintError) return error
    throw error
  }
  throw new Error('expected a failure')
}

describe('the Prometheus range query', () => {
  it('asks query_range under the server path, GET, with the period and the step', async () => {
    const { fetch, asked } = answering({ status: 'success', data: { resultType: 'matrix', result: [] } })
    await queryRange(base, 'wattprint_energy_joules_total', range, fetch)
    expect(asked[0]?.toString()).toBe('http://prom.lab:9090/prometheus/api/v1/query_range?query=wattprint_energy_joules_total&start=1000&end=2000&step=15s')
  })

  it('reads values as numbers (NaN and ±Inf included) and makes labels safe to show', async () => {
    const { fetch } = answering({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: { instance: 'box\u001b[2J:9400', name: `GPU\u202e${'x'.repeat(500)}` },
            values: [
              [1000, '12.5'],
              [1015, 'NaN'],
              [1030, '+Inf'],
            ],
          },
        ],
      },
    })
    const { series } = await queryRange(base, 'q', range, fetch)
    expect(series[0]?.labels.instance).toBe('box[2J:9400')
    expect(series[0]?.labels.name).toHaveLength(200)
    expect(series[0]?.values).toEqual([
      [1000, 12.5],
      [1015, Number.NaN],
      [1030, Infinity],
    ])
  })

  it('names the server and what was wrong: an error answer, not JSON, another shape, a redirect, too large', async () => {
    const said = await failure(queryRange(base, 'q', range, answering({ status: 'error', error: 'parse error at char 3' }, { status: 400 }).fetch))
    expect(said).toMatchObject({ kind: 'upstream', message: expect.stringMatching(/prom\.lab:9090\/prometheus\/ .*HTTP 400: parse error at char 3/) })
    expect((await failure(queryRange(base, 'q', range, answering('<html>login</html>').fetch))).message).toMatch(/not JSON: <html>login/)
    expect((await failure(queryRange(base, 'q', range, answering({ status: 'success', data: { resultType: 'vector', result: [] } }).fetch))).message).toMatch(
      /not a Prometheus query_range answer/,
    )
    expect((await failure(queryRange(base, 'q', range, answering('', { status: 302, headers: { location: 'http://elsewhere/' } }).fetch))).message).toMatch(
      /HTTP 302/,
    )
    const huge = (async () => new Response(new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(8 * 1024 * 1024)) }))) as unknown as typeof fetch
    expect((await failure(queryRange(base, 'q', range, huge))).message).toMatch(/larger than 67108864 bytes/)
  })

  it('refuses an address that is not a plain http(s) server', () => {
    for (const url of ['ftp://prom:9090', 'http://user:pw@prom:9090', 'http://prom:9090/?x=1', 'not a url', 'file:///etc/passwd'])
      expect(() => prometheusBase(url), url).toThrow(/not a Prometheus server address/)
  })
})
