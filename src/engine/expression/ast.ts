/**
 * The part of JSONata's parse tree (`jsonata(text).ast()`) that the compilers read: to JavaScript (compiler.ts) and to
 * Flink SQL (flink/sql/expression.ts). Fields a compiler does not handle are there so that it can refuse them.
 */
export interface Ast {
  type: string;
  value?: unknown;
  steps?: Ast[];
  lhs?: Ast | Ast[][];
  rhs?: Ast;
  expressions?: Ast[];
  expression?: Ast;
  arguments?: Ast[];
  procedure?: Ast;
  condition?: Ast;
  then?: Ast;
  else?: Ast;
  stages?: unknown;
  predicate?: unknown;
  group?: unknown;
  focus?: unknown;
  index?: unknown;
  keepArray?: unknown;
}
