import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { useBridge } from './bridge/index.ts'
import { i18n } from './i18n/index.ts'
import { router } from './router.ts'
import './styles.css'

// Every module above has been fetched and run by now: the benchmark splits time to the first chart here.
performance.mark('wattprint:modules-run')
const app = createApp(App).use(createPinia()).use(i18n).use(router)
// Mounted once the first route is resolved: the shell and the view render in one pass, not the shell alone first.
void router.isReady().then(() => {
  app.mount('#app')
  performance.mark('wattprint:mounted')
  // The desktop app's menus and tray open a view.
  useBridge().on('app:navigate', ({ route }) => void router.push(route))
})
