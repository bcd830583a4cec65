import { parser } from '@prometheus-io/lezer-promql';

/** Syntax errors lezer-promql finds, as `offset N: <text around it>`; empty when the expression parses. */
export function promqlSyntaxErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError)
        errors.push(`offset ${node.from}: ${JSON.stringify(expr.slice(node.from, node.from + 20))}`);
    },
  });
  return errors;
}

/** Metric names selected by an expression (the identifier of every vector selector). */
export function metricNamesIn(expr: string): string[] {
  const names = new Set<string>();
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
        names.add(expr.slice(node.from, node.to));
      }
    },
  });
  return [...names].sort();
}
