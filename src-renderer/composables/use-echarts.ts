import { onBeforeUnmount, onMounted, shallowRef, type Ref } from 'vue'
import { init, use, type ECharts } from 'echarts/core'
import { BarChart, LineChart } from 'echarts/charts'
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import type { EChartsCoreOption } from 'echarts/core'

/** Set once, when the first chart of the page draws: read by the specs to report time to first chart. */
let firstChartMarked = false
function markFirstChart(): void {
  if (firstChartMarked) return
  firstChartMarked = true
  performance.mark('wattprint:first-chart')
}

use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, CanvasRenderer])

function isDark(): boolean {
  return document.documentElement.dataset.theme === 'dark'
}

/** One ECharts instance bound to an element: resized with it, disposed with the component. */
export function useEcharts(el: Ref<HTMLElement | null>): { chart: Ref<ECharts | null>; setOption: (option: EChartsCoreOption, replace?: boolean) => void } {
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
