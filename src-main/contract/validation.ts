import type { z } from 'zod'

/** "field `pricePerKWh`: Too big: expected number to be <=100" — names the field, as users need. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map(String).join('.')
      return path ? `field "${path}": ${issue.message}` : issue.message
    })
    .join('; ')
}
