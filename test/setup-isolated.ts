import { isolatedMachineEnv } from './isolated-machine.ts'

// Every test process, and every app it spawns (they inherit process.env), sees no telemetry of
// this machine unless the test provides some.
Object.assign(process.env, isolatedMachineEnv())
