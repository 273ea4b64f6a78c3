/** The parser the Prometheus test reads the exposition format with (no types of its own). */
declare module 'parse-prometheus-text-format' {
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
