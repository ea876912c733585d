// How each glossary entry of src/glossary.md (by its heading id) shows up in a page's
// source; glossary.test.ts checks every page links a term at or before its first use.

/** How each glossary entry (by id) shows up in a page's source. */
export const termUses: Record<string, RegExp> = {
  "weight-matrix": /\bweight matri(x|ces)\b/i,
  mlp: /\bMLPs?\b/,
  activations: /\bactivations\b/i,
  logits: /\blogits?\b/i,
  attention: /\battention\b/i,
  projections: /\bW_[qkvo]\b|W<sub>[qkvo]<\/sub>/,
  "d-model": /d_\\text\{model\}|\bd_model\b/,
  dropout: /\bdropout\b/i,
  "fine-tuning": /\bfine-tun(e|es|ed|ing)\b/i,
  peft: /\bPEFT\b/,
  adam: /\bAdam\b/,
  "learning-rate": /\blearning rates?\b/i,
  "cross-entropy": /\bcross-entropy\b/i,
  nats: /\bnats\b/,
  "held-out": /\bheld[- ]out\b/i,
  kaiming: /\bKaiming\b/i,
  "half-precision": /\b(fp16|bf16)\b/i,
  safetensors: /\bsafetensors\b/,
  "modules-to-save": /\bmodules_to_save\b/,
  rank: /\blow-rank\b/i,
  "singular-vectors": /\bsingular (vectors?|values?|directions?)\b|\bSVD\b/i,
  "effective-rank": /\beffective rank\b/i,
  frobenius: /\bFrobenius\b/i,
  "intrinsic-dimension": /\bintrinsic (dimension|rank)\b/i,
  "subspace-similarity": /\bsubspace similarity\b/i
};
