/**
 * YAML templates with `${name}` placeholders (pure). Placeholders are filled in the parsed document,
 * never in the text: a scalar that is exactly `${name}` becomes the variable's value (string, number,
 * list or map); `${name}` inside a longer string is interpolated. Comments survive.
 */
import {Document, isScalar, parseDocument, Scalar, visit} from 'yaml';

export type TemplateValue = string | number | boolean | readonly TemplateValue[] | {readonly [key: string]: TemplateValue};
export type TemplateVars = Record<string, TemplateValue>;

const WHOLE = /^\$\{(\w+)\}$/;
const ANY = /\$\{(\w+)\}/g;

function lookup(vars: TemplateVars, name: string, template: string): TemplateValue {
	if (!(name in vars)) throw new Error(`template ${template}: no value for \${${name}}`);
	return vars[name]!;
}

function interpolate(text: string, vars: TemplateVars, template: string): string {
	return text.replace(ANY, (_, name: string) => {
		const value = lookup(vars, name, template);
		if (typeof value === 'object') throw new Error(`template ${template}: \${${name}} is not a plain value`);
		return String(value);
	});
}

/** Fill a template; `forceQuoted` lists placeholder names whose string values must be double-quoted (e.g. ports). */
export function fillTemplate(text: string, vars: TemplateVars, template: string): Document {
	const doc = parseDocument(text);
	if (doc.errors.length > 0) throw new Error(`template ${template}: ${doc.errors[0]!.message}`);
	const fillComment = (node: {commentBefore?: string | null; comment?: string | null}) => {
		if (node.commentBefore) node.commentBefore = interpolate(node.commentBefore, vars, template);
		if (node.comment) node.comment = interpolate(node.comment, vars, template);
	};
	fillComment(doc);
	// Values put in for whole-value placeholders are data: never look for placeholders inside them.
	const filled = new WeakSet<object>();
	visit(doc, {
		Map(_, node) {
			if (filled.has(node)) return visit.SKIP;
			fillComment(node);
			return undefined;
		},
		Seq(_, node) {
			if (filled.has(node)) return visit.SKIP;
			fillComment(node);
			return undefined;
		},
		Pair(_, pair) {
			if (isScalar(pair.key) && typeof pair.key.value === 'string' && WHOLE.test(pair.key.value)) {
				pair.key = new Scalar(interpolate(pair.key.value, vars, template));
			}
		},
		Scalar(_, node) {
			if (filled.has(node)) return undefined;
			fillComment(node);
			if (typeof node.value !== 'string') return undefined;
			const whole = WHOLE.exec(node.value);
			if (whole) {
				const replacement = doc.createNode(lookup(vars, whole[1]!, template));
				if (isScalar(replacement) && typeof replacement.value === 'string' && node.type === Scalar.QUOTE_DOUBLE) {
					replacement.type = Scalar.QUOTE_DOUBLE;
				}
				(replacement as {commentBefore?: string | null}).commentBefore = node.commentBefore;
				filled.add(replacement);
				return replacement;
			}
			if (node.value.includes('${')) node.value = interpolate(node.value, vars, template);
			return undefined;
		},
	});
	return doc;
}

/** A list of strings that must stay double-quoted in YAML (e.g. `"10911:10911"`, which YAML 1.1 readers may misread). */
export function quotedList(doc: Document, items: readonly string[]) {
	const seq = doc.createNode([...items]);
	visit(seq, {
		Scalar(_, node) {
			node.type = Scalar.QUOTE_DOUBLE;
		},
	});
	return seq;
}
