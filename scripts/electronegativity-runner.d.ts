declare module '@doyensec/electronegativity' {
  interface Issue {
    id: string;
    file: string;
    location: { line: number; column: number };
    severity: { value: number; name: string };
    description: string;
  }
  const run: (options: Record<string, unknown>) => Promise<{ issues: Issue[]; errors: unknown[] }>;
  export default run;
}
