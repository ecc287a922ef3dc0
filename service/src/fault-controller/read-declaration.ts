import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { toxicAttributeNames, type FaultDeclaration } from './declaration';

/** The declaration file is missing, not JSON, or not a FaultDeclaration; the message names the field. */
export class FaultDeclarationError extends Error {
  override readonly name = 'FaultDeclarationError';
}

const toxicTypes = Object.keys(toxicAttributeNames) as [keyof typeof toxicAttributeNames, ...(keyof typeof toxicAttributeNames)[]];

const toxic = z
  .strictObject({
    name: z.string().min(1),
    type: z.enum(toxicTypes),
    stream: z.enum(['upstream', 'downstream']),
    toxicity: z.number().min(0).max(1),
    attributes: z.record(z.string(), z.number()),
  })
  .superRefine((value, context) => {
    const known: readonly string[] = toxicAttributeNames[value.type];
    for (const [attribute, number] of Object.entries(value.attributes)) {
      // Toxiproxy ignores an unknown attribute: the fault would silently not be what was declared.
      if (!known.includes(attribute)) {
        context.addIssue({ code: 'custom', path: ['attributes', attribute], message: `${value.type} toxics take only ${known.join(', ')}` });
      } else if (!Number.isSafeInteger(number) || number < 0) {
        // Go int fields: Toxiproxy answers 400 to a fraction.
        context.addIssue({ code: 'custom', path: ['attributes', attribute], message: 'must be a whole number, 0 or more' });
      }
    }
  });

const proxy = z
  .strictObject({ name: z.string().min(1), enabled: z.boolean(), toxics: z.array(toxic) })
  .superRefine((value, context) => {
    value.toxics.forEach((candidate, index) => {
      const earlier = value.toxics.slice(0, index);
      // Toxiproxy keys toxics by name across both streams (toxic_collection.go findToxicByName).
      if (earlier.some((other) => other.name === candidate.name)) {
        context.addIssue({ code: 'custom', path: ['toxics', index, 'name'], message: `toxic name ${candidate.name} is used twice on proxy ${value.name}` });
      }
      // lab_fault_active{link,fault} names a fault by its type: two of one type would be one series.
      if (earlier.some((other) => other.type === candidate.type)) {
        context.addIssue({ code: 'custom', path: ['toxics', index, 'type'], message: `a second ${candidate.type} toxic on proxy ${value.name}` });
      }
    });
  });

const flag = z.strictObject({
  key: z.string().min(1),
  value: z.union([z.number(), z.boolean()]),
  routes: z.array(z.string().min(1)).optional(),
});

const declaration = z
  .strictObject({ proxies: z.array(proxy), flags: z.array(flag) })
  .superRefine((value, context) => {
    value.proxies.forEach((candidate, index) => {
      if (value.proxies.slice(0, index).some((other) => other.name === candidate.name)) {
        context.addIssue({ code: 'custom', path: ['proxies', index, 'name'], message: `proxy ${candidate.name} is declared twice` });
      }
    });
    value.flags.forEach((candidate, index) => {
      if (value.flags.slice(0, index).some((other) => other.key === candidate.key)) {
        context.addIssue({ code: 'custom', path: ['flags', index, 'key'], message: `flag ${candidate.key} is declared twice` });
      }
    });
  });

/** Validates parsed JSON as a FaultDeclaration; `source` names it in the error. */
export function parseDeclaration(json: unknown, source: string): FaultDeclaration {
  const parsed = declaration.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  throw new FaultDeclarationError(`${source} is not a valid fault declaration: ${problems.join('; ')}`);
}

/** Reads and validates the declaration file; returns its text too, so a change of content can be noticed. */
export async function readDeclaration(path: string): Promise<{ readonly declaration: FaultDeclaration; readonly text: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FaultDeclarationError(`cannot read the fault declaration ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FaultDeclarationError(`${path} is not JSON: ${(error as Error).message}`);
  }
  return { declaration: parseDeclaration(json, path), text };
}
