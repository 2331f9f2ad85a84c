// The machine-readable figures block that tools/ship-model.ts appends to a shipped model's card
// (models/<name>.md) and test/models/shipped.test.ts reads back: one HTML comment, invisible when
// the Markdown is rendered, holding the JSON of CardFigures.

/** Marks the block: `<!-- tinyconv-figures {...} -->`. */
export const CARD_FIGURES_TAG = 'tinyconv-figures';

export interface PairAccuracy {
  dataset: string;
  split: string;
  images: number;
  /** Top-1 accuracy as a fraction (0..1). */
  float: number;
  int8: number;
}

export interface CardFigures {
  model: string;
  method: string;
  modelBytes: number;
  arenaBytes: number;
  params: number;
  macs: number;
  floatBytes: number;
  /** The full test split (10,000 images when Debian's dataset-fashion-mnist was installed). */
  test: PairAccuracy;
  /** The committed subset's test split: what the regression test re-measures exactly. */
  subset: PairAccuracy;
}

export function formatCardFigures(f: CardFigures): string {
  return `<!-- ${CARD_FIGURES_TAG} ${JSON.stringify(f)} -->`;
}

export function readCardFigures(card: string): CardFigures {
  const m = new RegExp(`<!-- ${CARD_FIGURES_TAG} (\\{.*\\}) -->`).exec(card);
  if (!m) throw new Error(`model card has no '${CARD_FIGURES_TAG}' block (regenerate it with tools/ship-model.ts)`);
  return JSON.parse(m[1]) as CardFigures;
}
