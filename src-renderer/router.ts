import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import DashboardView from './views/DashboardView.vue'

/** The main navigation, in order. Hash history: the desktop app loads from file://. */
export const NAV = [
  { path: '/', name: 'dashboard', label: 'nav.dashboard' },
  { path: '/history', name: 'history', label: 'nav.history' },
  { path: '/comparisons', name: 'comparisons', label: 'nav.comparisons' },
  { path: '/what-if', name: 'what-if', label: 'nav.whatIf' },
  { path: '/models', name: 'models', label: 'nav.models' },
  { path: '/devices', name: 'devices', label: 'nav.devices' },
  { path: '/settings', name: 'settings', label: 'nav.settings' },
] as const

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'dashboard', component: DashboardView },
  { path: '/history', name: 'history', component: () => import('./views/HistoryView.vue') },
  { path: '/comparisons', name: 'comparisons', component: () => import('./views/ComparisonsView.vue') },
  { path: '/what-if', name: 'what-if', component: () => import('./views/WhatIfView.vue') },
  { path: '/models', name: 'models', component: () => import('./views/ModelsView.vue') },
  { path: '/devices', name: 'devices', component: () => import('./views/DevicesView.vue') },
  { path: '/settings', name: 'settings', component: () => import('./views/SettingsView.vue') },
  { path: '/about', name: 'about', component: () => import('./views/AboutView.vue') },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHashHistory(), routes })
