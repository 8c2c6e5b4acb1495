import { onBeforeUnmount, onMounted, shallowRef, type Ref } from 'vue'
import { init, use, type ECharts } from 'echarts/core'
import { LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import type { EChartsCoreOption } from 'echarts/core'

/** Set once, when the first chart of the page draws: read by the specs to report time to first chart. */
let firstChartMarked = false
function markFirstChart(): void {
  if (firstChartMarked) return
  firstChartMarked = true
  performance.mark('wattprint:first-chart')
}

// What the dashboard's live chart needs, and nothing more: it is on the path to the first chart.
// A view that needs more (bars, zoom) passes those parts to useEcharts, so they load with that view.
use([LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer])

/** ECharts parts (charts, components) a view registers on top of the dashboard's. */
export type EchartsParts = Parameters<typeof use>[0]

function isDark(): boolean {
  return document.documentElement.dataset.theme === 'dark'
}

/** One ECharts instance bound to an element: resized with it, disposed with the component. */
export function useEcharts(
  el: Ref<HTMLElement | null>,
  parts: EchartsParts = [],
): { chart: Ref<ECharts | null>; setOption: (option: EChartsCoreOption, replace?: boolean) => void } {
  use(parts)
  const chart = shallowRef<ECharts | null>(null)
  let observer: ResizeObserver | null = null
  let pending: { option: EChartsCoreOption; replace: boolean } | null = null

  onMounted(() => {
    if (!el.value) return
    // ECharts' built-in dark theme when the page is dark; views re-mount, so a theme change applies on the next view.
    chart.value = init(el.value, isDark() ? 'dark' : undefined, { renderer: 'canvas' })
    observer = new ResizeObserver(() => chart.value?.resize())
    observer.observe(el.value)
    if (pending) {
      chart.value.setOption(pending.option, { notMerge: pending.replace })
      markFirstChart()
    }
  })
  onBeforeUnmount(() => {
    observer?.disconnect()
    chart.value?.dispose()
    chart.value = null
  })
  return {
    chart,
    setOption(option, replace = false) {
      option = { backgroundColor: 'transparent', ...option }
      if (chart.value) {
        chart.value.setOption(option, { notMerge: replace, lazyUpdate: true })
        markFirstChart()
      } else pending = { option, replace }
    },
  }
}
