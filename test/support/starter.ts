// The starter plan as an admin fills it in: each "<..., e.g. X>" placeholder replaced by its example.
export function fillStarter(text: string): string {
  return text.replace(/"<[^<>"\n]*?e\.g\. ([^<>"\n]+)>"/g, (_, example: string) => JSON.stringify(example));
}
