// Works the "Parameter savings" page cites for model shapes and memory accounting,
// in the shape CiteThisPage() lists (see references.js for the site-wide ones).

/** GPT-3's shapes (Table 2.1). */
export const gpt3 = {authors: "Brown, T. B., et al.", year: 2020, title: "Language Models are Few-Shot Learners", venue: "NeurIPS 2020", id: "arXiv:2005.14165"};
/** GPT-2's shapes (Table 2). */
export const gpt2 = {authors: "Radford, A., Wu, J., Child, R., Luan, D., Amodei, D., & Sutskever, I.", year: 2019, title: "Language Models are Unsupervised Multitask Learners", venue: "OpenAI technical report"};
/** RoBERTa (BERT-base/large shapes). */
export const roberta = {authors: "Liu, Y., et al.", year: 2019, title: "RoBERTa: A Robustly Optimized BERT Pretraining Approach", id: "arXiv:1907.11692"};
/** Llama 2. */
export const llama2 = {authors: "Touvron, H., et al.", year: 2023, title: "Llama 2: Open Foundation and Fine-Tuned Chat Models", id: "arXiv:2307.09288"};
/** Mistral 7B (grouped-query attention, Table 1). */
export const mistral = {authors: "Jiang, A. Q., et al.", year: 2023, title: "Mistral 7B", id: "arXiv:2310.06825"};
/** Llama 3 8B's published config.json. */
export const llama3 = {authors: "Meta AI", year: 2024, title: "Meta-Llama-3-8B: model card and config.json", url: "https://huggingface.co/meta-llama/Meta-Llama-3-8B"};
/** Mixed-precision training (fp16 weights and gradients, fp32 master copy). */
export const mixedPrecision = {authors: "Micikevicius, P., et al.", year: 2018, title: "Mixed Precision Training", venue: "ICLR 2018", id: "arXiv:1710.03740"};
/** ZeRO: 16 bytes of model state per parameter with mixed-precision Adam (§3.1). */
export const zero = {authors: "Rajbhandari, S., Rasley, J., Ruwase, O., & He, Y.", year: 2020, title: "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models", venue: "SC20", id: "arXiv:1910.02054"};
