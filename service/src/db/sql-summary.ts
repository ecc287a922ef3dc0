/** What a span name and low-cardinality attributes may say about a statement, read from its parameterised text. */
export interface SqlSummary {
  /** The statement's verb: SELECT, INSERT, UPDATE, DELETE, ... (upper case), if recognisable. */
  readonly operation?: string;
  /** The first table the statement targets, if recognisable. */
  readonly collection?: string;
}

const identifier = String.raw`(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*))`;
const qualified = String.raw`(?:${identifier}\.)?${identifier}`;

const targetPatterns: ReadonlyArray<[string, RegExp]> = [
  ['SELECT', new RegExp(String.raw`\bfrom\s+${qualified}`, 'i')],
  ['INSERT', new RegExp(String.raw`\binto\s+${qualified}`, 'i')],
  ['UPDATE', new RegExp(String.raw`^\s*update\s+(?:only\s+)?${qualified}`, 'i')],
  ['DELETE', new RegExp(String.raw`\bfrom\s+${qualified}`, 'i')],
];

const leadingComment = /^\s*(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)*/;

export function summarizeSql(text: string): SqlSummary {
  const body = text.replace(leadingComment, '');
  const verb = /^\s*([A-Za-z]+)/.exec(body)?.[1]?.toUpperCase();
  if (!verb) return {};
  const pattern = targetPatterns.find(([operation]) => operation === verb)?.[1];
  const match = pattern?.exec(body);
  // Groups 3 and 4 hold the table (quoted or bare); 1 and 2 the optional schema.
  const collection = match ? (match[3]?.replace(/""/g, '"') ?? match[4]) : undefined;
  return collection ? { operation: verb, collection } : { operation: verb };
}
