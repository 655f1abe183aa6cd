// Texts only the full module carries: the first-estimate module (NEURO_SHRINK_FIRST_ESTIMATE, the page's first
// answer within its 100 KB gzipped budget) leaves them empty. Its catalogue() still lists every option, GPU and
// bound; their prose (option docs, spec-sheet sources) comes from the full module, which the CLI and the page's
// later answers use.
#pragma once

#ifdef NEURO_SHRINK_FIRST_ESTIMATE
#define FULL_TEXT(text) ""
#define FULL_PROSE(expr) std::string()
#else
#define FULL_TEXT(text) text
#define FULL_PROSE(expr) (expr)
#endif
