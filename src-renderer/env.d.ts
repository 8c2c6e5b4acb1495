/// <reference types="vite/client" />
import type { WattprintApi } from '../src-main/contract/api.ts'

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a plain browser (headless host). */
    wattprint?: WattprintApi
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
