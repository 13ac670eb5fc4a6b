export function generate(doc: unknown): string;
