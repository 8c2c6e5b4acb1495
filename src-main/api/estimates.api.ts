import { estimateFinetune, estimateInference, estimateTraining } from '../core/estimate-report.ts'
import type { Handlers } from './handler.ts'

export const estimateHandlers = {
  'reference:list': (service) => service.pack,
  'estimate:training': (service, request) => estimateTraining(request, service.pack),
  'estimate:finetune': (service, request) => estimateFinetune(request, service.pack),
  'estimate:inference': (service, request) => estimateInference(request, service.pack, service.measurementRange()),
  'compare:period': (service, request) => service.compare(request.sinceMs, request.untilMs, request.queries),
  'scenario:run': (service, request) => service.runScenario(request),
  'data:status': (service) => service.dataPacks.status(),
  'data:import': (service, request) => service.importDataPack(request.json),
  'data:revert': (service) => service.revertDataPack(),
} satisfies Partial<Handlers>
