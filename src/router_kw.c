/* router_kw: the keywords the router counts, by group, in one sorted table. */
#include "router_kw.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

/*
 * Keywords by group, sorted by word (strcmp); a word may stand twice, in two
 * groups. A plain keyword has an everyday sense as common as its technical
 * one in that group ("race", "design", "thread", "build"): by itself it is no
 * sign of developer work, and router_scan.c counts some groups' plain keywords
 * only beside such signs.
 */
#define PLAIN 0x80 /* or'ed into the group */
#define HARD 0x40  /* or'ed into the group: a subject word hard by itself (lock-free, Raft, AEAD) */

static const struct kw {
	const char *word;
	unsigned char len;
	unsigned char group;
	bool prefix;             /* a stem of three letters or more: matches any word it starts */
} router_kw[] = {
	{ "aba", 3, KW_CONC | PLAIN | HARD, false },
	{ "adventure", 9, KW_CREATIVE, true },
	{ "advert", 6, KW_CREATIVE, true },
	{ "aead", 4, KW_SEC | HARD, false },
	{ "algebra", 7, KW_MATH, true },
	{ "algorithm", 9, KW_CODE, true },
	{ "allocat", 7, KW_PERF | PLAIN, true },
	{ "amortis", 7, KW_FORMAL, true },
	{ "amortiz", 7, KW_FORMAL, true },
	{ "analy", 5, KW_REASON, true },
	{ "angle", 5, KW_MATH, true },
	{ "api", 3, KW_CODE, false },
	{ "apis", 4, KW_CODE, false },
	{ "architect", 9, KW_DEEP | PLAIN, true },
	{ "architect", 9, KW_REASON, true },
	{ "area", 4, KW_MATH, false },
	{ "argon", 5, KW_SEC | PLAIN, true },
	{ "argu", 4, KW_REASON, true },
	{ "arithmetic", 10, KW_MATH, true },
	{ "array", 5, KW_CODE | PLAIN, true },
	{ "asan", 4, KW_FORMAL, false },
	{ "assum", 5, KW_REASON, true },
	{ "async", 5, KW_CODE, true },
	{ "asyncio", 7, KW_CONC, true },
	{ "atomic", 6, KW_CONC | PLAIN | HARD, true },
	{ "attack", 6, KW_SEC | PLAIN, true },
	{ "audit", 5, KW_DEEP | PLAIN, true },
	{ "authent", 7, KW_SEC | PLAIN, true },
	{ "authoriz", 8, KW_SEC | PLAIN, true },
	{ "average", 7, KW_MATH, true },
	{ "backtrace", 9, KW_TRACE, true },
	{ "barrier", 7, KW_CONC | PLAIN, true },
	{ "bash", 4, KW_CODE, false },
	{ "binary", 6, KW_CODE | PLAIN, false },
	{ "blog", 4, KW_CREATIVE, true },
	{ "bottleneck", 10, KW_PERF | PLAIN, true },
	{ "brainstorm", 10, KW_CREATIVE, true },
	{ "brief", 5, KW_SIMPLE, true },
	{ "bug", 3, KW_CODE | PLAIN, false },
	{ "bugs", 4, KW_CODE | PLAIN, false },
	{ "build", 5, KW_BUILD | PLAIN, false },
	{ "bullet", 6, KW_FORMAT, true },
	{ "bypass", 6, KW_SEC | PLAIN, true },
	{ "byzantine", 9, KW_DIST | HARD, false },
	{ "cache", 5, KW_PERF, false },
	{ "caching", 7, KW_PERF, false },
	{ "calculat", 8, KW_MATH, true },
	{ "cancellation", 12, KW_CONC | PLAIN, false },
	{ "capital", 7, KW_SIMPLE, false },
	{ "cargo", 5, KW_BUILD | PLAIN, false },
	{ "cas", 3, KW_CONC, false },
	{ "catchy", 6, KW_CREATIVE, false },
	{ "channel", 7, KW_CONC | PLAIN, false },
	{ "character", 9, KW_CREATIVE, true },
	{ "ci", 2, KW_BUILD, false },
	{ "circle", 6, KW_MATH, true },
	{ "class", 5, KW_CODE | PLAIN, false },
	{ "classes", 7, KW_CODE | PLAIN, false },
	{ "clock", 5, KW_DIST | PLAIN, false },
	{ "clocks", 6, KW_DIST | PLAIN, false },
	{ "cmake", 5, KW_BUILD, true },
	{ "cmpxchg", 7, KW_CONC | HARD, true },
	{ "code", 4, KW_CODE | PLAIN, false },
	{ "coding", 6, KW_CODE, false },
	{ "compar", 6, KW_REASON, true },
	{ "compil", 6, KW_CODE | PLAIN, true },
	{ "compile", 7, KW_BUILD | PLAIN, true },
	{ "compiler", 8, KW_CODE, true },
	{ "complexity", 10, KW_FORMAL | PLAIN, false },
	{ "comput", 6, KW_MATH, true },
	{ "concise", 7, KW_FORMAT, true },
	{ "conclu", 6, KW_REASON, true },
	{ "concurren", 9, KW_CONC, true },
	{ "condvar", 7, KW_CONC, true },
	{ "cons", 4, KW_REASON, false },
	{ "consensus", 9, KW_DIST | PLAIN | HARD, true },
	{ "consequen", 9, KW_REASON, true },
	{ "consider", 8, KW_REASON, true },
	{ "consisten", 9, KW_DIST | PLAIN, true },
	{ "const", 5, KW_CODE, false },
	{ "contradict", 10, KW_REASON, true },
	{ "converg", 7, KW_MATH, true },
	{ "convert", 7, KW_WORK | PLAIN, true },
	{ "coredump", 8, KW_TRACE, false },
	{ "correctness", 11, KW_DEEP | PLAIN, false },
	{ "counterexample", 14, KW_REASON, true },
	{ "cpp", 3, KW_CODE, false },
	{ "crdt", 4, KW_DIST | HARD, true },
	{ "creative", 8, KW_CREATIVE, true },
	{ "critic", 6, KW_REASON, true },
	{ "critiq", 6, KW_DEEP | PLAIN, true },
	{ "critiq", 6, KW_REASON, true },
	{ "cron", 4, KW_BUILD, false },
	{ "crypt", 5, KW_SEC | PLAIN, true },
	{ "csrf", 4, KW_SEC, true },
	{ "css", 3, KW_CODE, false },
	{ "csv", 3, KW_DATA, false },
	{ "csv", 3, KW_FORMAT, false },
	{ "database", 8, KW_CODE, true },
	{ "deadlock", 8, KW_CONC | HARD, true },
	{ "debug", 5, KW_CODE, true },
	{ "debug", 5, KW_WORK, true },
	{ "deduc", 5, KW_REASON, true },
	{ "def", 3, KW_CODE, false },
	{ "define", 6, KW_SIMPLE, false },
	{ "definition", 10, KW_SIMPLE, true },
	{ "deploy", 6, KW_BUILD | PLAIN, true },
	{ "derivative", 10, KW_MATH, true },
	{ "derive", 6, KW_REASON, false },
	{ "deriving", 8, KW_REASON, false },
	{ "design", 6, KW_DEEP | PLAIN, true },
	{ "design", 6, KW_REASON, true },
	{ "diagnos", 7, KW_DEEP | PLAIN, true },
	{ "dialog", 6, KW_CREATIVE, true },
	{ "differen", 8, KW_REASON, true },
	{ "digit", 5, KW_MATH, true },
	{ "distributed", 11, KW_DIST | PLAIN, true },
	{ "divided", 7, KW_MATH, false },
	{ "divisib", 7, KW_MATH, true },
	{ "docker", 6, KW_BUILD, true },
	{ "docker", 6, KW_CODE, true },
	{ "dockerfile", 10, KW_BUILD, true },
	{ "dumped", 6, KW_TRACE, false },
	{ "election", 8, KW_DIST | PLAIN, false },
	{ "email", 5, KW_CREATIVE, true },
	{ "encrypt", 7, KW_SEC, true },
	{ "equation", 8, KW_MATH, true },
	{ "error", 5, KW_CODE | PLAIN, false },
	{ "errors", 6, KW_CODE | PLAIN, false },
	{ "essay", 5, KW_CREATIVE, true },
	{ "etcd", 4, KW_DIST, false },
	{ "evaluat", 7, KW_REASON, true },
	{ "eventual", 8, KW_DIST | PLAIN, true },
	{ "exactly", 7, KW_FORMAT, false },
	{ "exception", 9, KW_CODE | PLAIN, true },
	{ "explain", 7, KW_REASON, true },
	{ "explain", 7, KW_WORK | PLAIN, true },
	{ "exploit", 7, KW_SEC | PLAIN, true },
	{ "exponent", 8, KW_MATH, true },
	{ "factor", 6, KW_MATH, true },
	{ "fantasy", 7, KW_CREATIVE, false },
	{ "faster", 6, KW_PERF | PLAIN, false },
	{ "fence", 5, KW_CONC | PLAIN | HARD, false },
	{ "fences", 6, KW_CONC | PLAIN | HARD, false },
	{ "fiction", 7, KW_CREATIVE, true },
	{ "fix", 3, KW_WORK | PLAIN, false },
	{ "fixed", 5, KW_WORK | PLAIN, false },
	{ "fixing", 6, KW_WORK | PLAIN, false },
	{ "flame", 5, KW_PERF | PLAIN, false },
	{ "formal", 6, KW_FORMAL | PLAIN, false },
	{ "format", 6, KW_FORMAT, true },
	{ "fraction", 8, KW_MATH, true },
	{ "function", 8, KW_CODE | PLAIN, true },
	{ "funny", 5, KW_CREATIVE, false },
	{ "futex", 5, KW_CONC | HARD, true },
	{ "generali", 8, KW_REASON, true },
	{ "generat", 7, KW_WORK | PLAIN, true },
	{ "geometr", 7, KW_MATH, true },
	{ "git", 3, KW_CODE, false },
	{ "golang", 6, KW_CODE, false },
	{ "good", 4, KW_SIMPLE, false },
	{ "goroutine", 9, KW_CONC, true },
	{ "gradle", 6, KW_BUILD, true },
	{ "haiku", 5, KW_CREATIVE, true },
	{ "hash", 4, KW_CODE | PLAIN, true },
	{ "hazard", 6, KW_CONC | PLAIN | HARD, false },
	{ "heading", 7, KW_FORMAT, true },
	{ "headline", 8, KW_CREATIVE, true },
	{ "hello", 5, KW_SIMPLE, false },
	{ "helm", 4, KW_BUILD | PLAIN, false },
	{ "hey", 3, KW_SIMPLE, false },
	{ "hi", 2, KW_SIMPLE, false },
	{ "hmac", 4, KW_SEC, true },
	{ "html", 4, KW_CODE, false },
	{ "http", 4, KW_CODE, true },
	{ "humor", 5, KW_CREATIVE, true },
	{ "hypothe", 7, KW_REASON, true },
	{ "idempoten", 9, KW_DIST, true },
	{ "imagin", 6, KW_CREATIVE, true },
	{ "implement", 9, KW_CODE | PLAIN, true },
	{ "implement", 9, KW_WORK | PLAIN, true },
	{ "implication", 11, KW_REASON, true },
	{ "induct", 6, KW_REASON, true },
	{ "induction", 9, KW_FORMAL, false },
	{ "inequalit", 9, KW_MATH, true },
	{ "infer", 5, KW_REASON, true },
	{ "infinite", 8, KW_MATH, true },
	{ "infinitely", 10, KW_MATH, false },
	{ "inject", 6, KW_SEC | PLAIN, true },
	{ "int", 3, KW_CODE, false },
	{ "integer", 7, KW_MATH, true },
	{ "integral", 8, KW_MATH, true },
	{ "invariant", 9, KW_FORMAL, true },
	{ "investigat", 10, KW_DEEP | PLAIN, true },
	{ "isolation", 9, KW_DIST | PLAIN, false },
	{ "java", 4, KW_CODE | PLAIN, false },
	{ "javascript", 10, KW_CODE, true },
	{ "joke", 4, KW_CREATIVE, true },
	{ "jq", 2, KW_DATA, false },
	{ "json", 4, KW_CODE, false },
	{ "json", 4, KW_DATA, false },
	{ "json", 4, KW_FORMAT, false },
	{ "justif", 6, KW_REASON, true },
	{ "jwt", 3, KW_SEC, true },
	{ "kafka", 5, KW_DIST | PLAIN, false },
	{ "kdf", 3, KW_SEC | HARD, false },
	{ "kubectl", 7, KW_BUILD, true },
	{ "kubernetes", 10, KW_CODE, false },
	{ "lag", 3, KW_PERF | PLAIN, false },
	{ "lags", 4, KW_PERF | PLAIN, false },
	{ "lambda", 6, KW_CODE | PLAIN, true },
	{ "latency", 7, KW_PERF, true },
	{ "leader", 6, KW_DIST | PLAIN, false },
	{ "lease", 5, KW_DIST | PLAIN, false },
	{ "leases", 6, KW_DIST | PLAIN, false },
	{ "lemma", 5, KW_FORMAL, true },
	{ "lemma", 5, KW_MATH, true },
	{ "letter", 6, KW_CREATIVE, true },
	{ "libraries", 9, KW_CODE | PLAIN, false },
	{ "library", 7, KW_CODE | PLAIN, false },
	{ "limerick", 8, KW_CREATIVE, true },
	{ "limit", 5, KW_FORMAT, true },
	{ "linearizab", 10, KW_DIST | HARD, true },
	{ "linker", 6, KW_BUILD, true },
	{ "linux", 5, KW_CODE, false },
	{ "list", 4, KW_FORMAT, true },
	{ "livelock", 8, KW_CONC | HARD, true },
	{ "lock", 4, KW_CONC | PLAIN, false },
	{ "lockfree", 8, KW_CONC | HARD, true },
	{ "locking", 7, KW_CONC | PLAIN, false },
	{ "locks", 5, KW_CONC | PLAIN, false },
	{ "logarithm", 9, KW_MATH, true },
	{ "logic", 5, KW_REASON, true },
	{ "loop", 4, KW_CODE | PLAIN, true },
	{ "lyric", 5, KW_CREATIVE, true },
	{ "makefile", 8, KW_BUILD, true },
	{ "malicious", 9, KW_SEC | PLAIN, true },
	{ "malloc", 6, KW_CODE, false },
	{ "markdown", 8, KW_FORMAT, false },
	{ "math", 4, KW_MATH, true },
	{ "matri", 5, KW_MATH, true },
	{ "maximum", 7, KW_FORMAT, false },
	{ "mean", 4, KW_SIMPLE, false },
	{ "meaning", 7, KW_SIMPLE, false },
	{ "median", 6, KW_MATH, false },
	{ "memory", 6, KW_CODE | PLAIN, false },
	{ "memory", 6, KW_PERF | PLAIN, false },
	{ "metaphor", 8, KW_CREATIVE, true },
	{ "minimum", 7, KW_FORMAT, false },
	{ "module", 6, KW_CODE | PLAIN, true },
	{ "modulo", 6, KW_MATH, false },
	{ "morning", 7, KW_SIMPLE, false },
	{ "multipl", 7, KW_MATH, true },
	{ "must", 4, KW_FORMAT, false },
	{ "mutex", 5, KW_CONC, true },
	{ "name", 4, KW_SIMPLE, false },
	{ "narrat", 6, KW_CREATIVE, true },
	{ "node", 4, KW_CODE | PLAIN, true },
	{ "nonce", 5, KW_SEC | HARD, true },
	{ "normaliz", 8, KW_FORMAL | PLAIN, true },
	{ "novel", 5, KW_CREATIVE, true },
	{ "npm", 3, KW_BUILD, false },
	{ "null", 4, KW_CODE | PLAIN, false },
	{ "numbered", 8, KW_FORMAT, false },
	{ "oauth", 5, KW_SEC, true },
	{ "only", 4, KW_FORMAT, false },
	{ "optimal", 7, KW_FORMAL | PLAIN, false },
	{ "optimi", 6, KW_PERF | PLAIN, true },
	{ "optimi", 6, KW_REASON, true },
	{ "outline", 7, KW_FORMAT, true },
	{ "output", 6, KW_FORMAT, true },
	{ "panic", 5, KW_TRACE, false },
	{ "panicked", 8, KW_TRACE, false },
	{ "paradox", 7, KW_REASON, true },
	{ "paragraph", 9, KW_FORMAT, true },
	{ "parallel", 8, KW_CONC | PLAIN, false },
	{ "parquet", 7, KW_DATA, false },
	{ "partition", 9, KW_DIST | PLAIN, false },
	{ "paxos", 5, KW_DIST | HARD, true },
	{ "pbkdf", 5, KW_SEC, true },
	{ "percent", 7, KW_MATH, true },
	{ "perf", 4, KW_PERF, false },
	{ "perimeter", 9, KW_MATH, true },
	{ "persona", 7, KW_CREATIVE, true },
	{ "persuasive", 10, KW_CREATIVE, true },
	{ "pip", 3, KW_BUILD, false },
	{ "pipeline", 8, KW_BUILD | PLAIN, true },
	{ "pitch", 5, KW_CREATIVE, false },
	{ "poem", 4, KW_CREATIVE, true },
	{ "poetry", 6, KW_CREATIVE, false },
	{ "pointer", 7, KW_CODE | PLAIN, true },
	{ "polynom", 7, KW_MATH, true },
	{ "pretend", 7, KW_CREATIVE, true },
	{ "prime", 5, KW_MATH, true },
	{ "printf", 6, KW_CODE, false },
	{ "privilege", 9, KW_SEC | PLAIN, true },
	{ "probabilit", 10, KW_MATH, true },
	{ "product", 7, KW_MATH, true },
	{ "profil", 6, KW_PERF | PLAIN, true },
	{ "program", 7, KW_CODE | PLAIN, true },
	{ "proof", 5, KW_FORMAL, true },
	{ "proof", 5, KW_REASON, true },
	{ "pros", 4, KW_REASON, false },
	{ "protobuf", 8, KW_DATA, true },
	{ "prove", 5, KW_FORMAL, false },
	{ "prove", 5, KW_REASON, false },
	{ "proves", 6, KW_FORMAL, false },
	{ "proves", 6, KW_REASON, false },
	{ "proving", 7, KW_REASON, false },
	{ "puzzle", 6, KW_REASON, true },
	{ "python", 6, KW_CODE | PLAIN, true },
	{ "query", 5, KW_CODE | PLAIN, true },
	{ "queue", 5, KW_CODE | PLAIN, true },
	{ "quick", 5, KW_SIMPLE, true },
	{ "quorum", 6, KW_DIST | PLAIN | HARD, true },
	{ "race", 4, KW_CONC | PLAIN, false },
	{ "races", 5, KW_CONC | PLAIN, false },
	{ "racy", 4, KW_CONC | PLAIN, false },
	{ "radius", 6, KW_MATH, false },
	{ "raft", 4, KW_DIST | PLAIN | HARD, false },
	{ "ratio", 5, KW_MATH, true },
	{ "reason", 6, KW_REASON, true },
	{ "recursi", 7, KW_CODE, true },
	{ "refactor", 8, KW_CODE, true },
	{ "refactor", 8, KW_WORK, true },
	{ "regex", 5, KW_CODE, true },
	{ "relaxed", 7, KW_CONC | PLAIN | HARD, false },
	{ "remainder", 9, KW_MATH, true },
	{ "reorder", 7, KW_CONC | PLAIN | HARD, true },
	{ "rephras", 7, KW_FORMAT, true },
	{ "replica", 7, KW_DIST | PLAIN, true },
	{ "respond", 7, KW_FORMAT, true },
	{ "response", 8, KW_FORMAT, true },
	{ "return", 6, KW_CODE | PLAIN, false },
	{ "review", 6, KW_DEEP | PLAIN, true },
	{ "rewrite", 7, KW_FORMAT, true },
	{ "rewrite", 7, KW_WORK | PLAIN, true },
	{ "rhym", 4, KW_CREATIVE, true },
	{ "riddle", 6, KW_REASON, true },
	{ "rigor", 5, KW_REASON, true },
	{ "rigorous", 8, KW_FORMAL | PLAIN, true },
	{ "robust", 6, KW_DEEP | PLAIN, true },
	{ "role", 4, KW_CREATIVE, false },
	{ "roleplay", 8, KW_CREATIVE, true },
	{ "runtime", 7, KW_CODE | PLAIN, true },
	{ "rust", 4, KW_CODE | PLAIN, false },
	{ "rwlock", 6, KW_CONC, true },
	{ "sanitiz", 7, KW_SEC | PLAIN, true },
	{ "scenario", 8, KW_REASON, true },
	{ "schema", 6, KW_DATA | PLAIN, true },
	{ "script", 6, KW_CODE | PLAIN, true },
	{ "secret", 6, KW_SEC | PLAIN, false },
	{ "secrets", 7, KW_SEC | PLAIN, false },
	{ "secur", 5, KW_SEC | PLAIN, true },
	{ "segfault", 8, KW_CODE, true },
	{ "segfault", 8, KW_TRACE, true },
	{ "segmentation", 12, KW_TRACE, false },
	{ "semaphore", 9, KW_CONC, true },
	{ "sentence", 8, KW_FORMAT, true },
	{ "seqlock", 7, KW_CONC | HARD, true },
	{ "serializab", 10, KW_DIST, true },
	{ "server", 6, KW_CODE | PLAIN, true },
	{ "shell", 5, KW_CODE | PLAIN, false },
	{ "short", 5, KW_SIMPLE, false },
	{ "sigabrt", 7, KW_TRACE, false },
	{ "sigsegv", 7, KW_TRACE, false },
	{ "simple", 6, KW_SIMPLE, false },
	{ "skew", 4, KW_DIST | PLAIN, false },
	{ "slogan", 6, KW_CREATIVE, true },
	{ "slow", 4, KW_PERF | PLAIN, false },
	{ "slower", 6, KW_PERF | PLAIN, false },
	{ "solve", 5, KW_MATH, true },
	{ "solving", 7, KW_MATH, false },
	{ "song", 4, KW_CREATIVE, true },
	{ "soundness", 9, KW_DEEP | PLAIN, false },
	{ "speech", 6, KW_CREATIVE, true },
	{ "spell", 5, KW_SIMPLE, true },
	{ "spinlock", 8, KW_CONC, true },
	{ "sql", 3, KW_CODE, false },
	{ "sqrt", 4, KW_MATH, false },
	{ "square", 6, KW_MATH, true },
	{ "ssrf", 4, KW_SEC, true },
	{ "stack", 5, KW_CODE | PLAIN, false },
	{ "stacktrace", 10, KW_TRACE, true },
	{ "statistic", 9, KW_MATH, true },
	{ "step", 4, KW_REASON, true },
	{ "stories", 7, KW_CREATIVE, false },
	{ "story", 5, KW_CREATIVE, false },
	{ "strateg", 7, KW_REASON, true },
	{ "string", 6, KW_CODE | PLAIN, true },
	{ "struct", 6, KW_CODE, true },
	{ "style", 5, KW_FORMAT, true },
	{ "subtract", 8, KW_MATH, true },
	{ "sum", 3, KW_MATH, false },
	{ "summar", 6, KW_FORMAT, true },
	{ "sums", 4, KW_MATH, false },
	{ "synchroniz", 10, KW_CONC | PLAIN, true },
	{ "synonym", 7, KW_SIMPLE, true },
	{ "syntax", 6, KW_CODE | PLAIN, true },
	{ "systemd", 7, KW_BUILD, true },
	{ "table", 5, KW_FORMAT, true },
	{ "tale", 4, KW_CREATIVE, true },
	{ "tell", 4, KW_SIMPLE, false },
	{ "terraform", 9, KW_BUILD, true },
	{ "test", 4, KW_WORK | PLAIN, false },
	{ "tests", 5, KW_WORK | PLAIN, false },
	{ "thank", 5, KW_SIMPLE, false },
	{ "thanks", 6, KW_SIMPLE, false },
	{ "theorem", 7, KW_FORMAL, true },
	{ "theorem", 7, KW_MATH, true },
	{ "thorough", 8, KW_REASON, true },
	{ "thread", 6, KW_CODE | PLAIN, true },
	{ "thread", 6, KW_CONC | PLAIN, true },
	{ "threat", 6, KW_DEEP | PLAIN, true },
	{ "threat", 6, KW_SEC | PLAIN, true },
	{ "throughput", 10, KW_PERF | PLAIN, true },
	{ "title", 5, KW_FORMAT, true },
	{ "tls", 3, KW_SEC, false },
	{ "tokio", 5, KW_CONC, true },
	{ "toml", 4, KW_DATA, false },
	{ "tone", 4, KW_FORMAT, true },
	{ "total", 5, KW_MATH, false },
	{ "tps", 3, KW_PERF, false },
	{ "traceback", 9, KW_TRACE, false },
	{ "trade", 5, KW_DEEP | PLAIN, false },
	{ "tradeoff", 8, KW_DEEP | PLAIN, true },
	{ "tradeoff", 8, KW_REASON, true },
	{ "translat", 8, KW_SIMPLE, true },
	{ "traversal", 9, KW_SEC | PLAIN, true },
	{ "treiber", 7, KW_CONC | HARD, false },
	{ "triangle", 8, KW_MATH, true },
	{ "tsan", 4, KW_CONC, false },
	{ "tweet", 5, KW_CREATIVE, true },
	{ "typescript", 10, KW_CODE, true },
	{ "ub", 2, KW_FORMAL, false },
	{ "ubsan", 5, KW_FORMAL, false },
	{ "unittest", 8, KW_CODE, true },
	{ "unsafe", 6, KW_SEC | PLAIN, false },
	{ "url", 3, KW_CODE, false },
	{ "valgrind", 8, KW_FORMAL, false },
	{ "variable", 8, KW_CODE | PLAIN, true },
	{ "variance", 8, KW_MATH, false },
	{ "vector", 6, KW_MATH, true },
	{ "vectori", 7, KW_PERF | HARD, true },
	{ "verif", 5, KW_DEEP | PLAIN, true },
	{ "verify", 6, KW_DEEP | PLAIN, false },
	{ "vivid", 5, KW_CREATIVE, true },
	{ "void", 4, KW_CODE | PLAIN, false },
	{ "volatile", 8, KW_CONC | PLAIN, true },
	{ "volume", 6, KW_MATH, true },
	{ "vulnerab", 8, KW_SEC | PLAIN, true },
	{ "waitgroup", 9, KW_CONC, false },
	{ "wakeup", 6, KW_CONC | HARD, true },
	{ "weather", 7, KW_SIMPLE, false },
	{ "webpack", 7, KW_BUILD, true },
	{ "what", 4, KW_SIMPLE, false },
	{ "when", 4, KW_SIMPLE, false },
	{ "where", 5, KW_SIMPLE, false },
	{ "whether", 7, KW_REASON, false },
	{ "who", 3, KW_SIMPLE, false },
	{ "why", 3, KW_REASON, false },
	{ "words", 5, KW_FORMAT, false },
	{ "workflow", 8, KW_BUILD | PLAIN, true },
	{ "write", 5, KW_CREATIVE, false },
	{ "write", 5, KW_WORK | PLAIN, true },
	{ "writing", 7, KW_CREATIVE, false },
	{ "writing", 7, KW_WORK | PLAIN, false },
	{ "xml", 3, KW_DATA, false },
	{ "xml", 3, KW_FORMAT, false },
	{ "xss", 3, KW_SEC, true },
	{ "yaml", 4, KW_DATA, false },
	{ "yaml", 4, KW_FORMAT, false },
	{ "zookeeper", 9, KW_DIST, false },
};

/* The shortest stem: a shorter keyword matches only a word equal to it. */
#define KW_STEM_MIN 3

/* Add keyword k's groups to the word's: plain only when no technical keyword of the group matches too. */
static void
kw_add(const struct kw *k, unsigned *groups, unsigned *pl, unsigned *tech)
{
	unsigned bit = 1u << (k->group & ~(PLAIN | HARD));

	*groups |= bit;
	if (k->group & HARD)
		*groups |= KW_HARD_WORD;
	if (k->group & PLAIN)
		*pl |= bit;
	else
		*tech |= bit;
}

/*
 * Most of a prompt's words are no keyword, and one that is matches only a
 * handful. A keyword that matches a word is no longer than it, and is the
 * word or starts it, so its first four letters (all of a shorter one's) are
 * the word's first four, or its first three (a stem of three letters, or the
 * word itself), or for a word of two letters the word. The keywords are filed
 * in buckets by a hash of those letters: a word looks in at most two buckets,
 * most of them empty, and tries only the keywords there.
 */
#define KW_BUCKETS 4096

/* Bucket b holds the keywords kw_list[kw_start[b] .. kw_start[b + 1]). */
static uint16_t kw_start[KW_BUCKETS + 1];
static uint16_t kw_list[ARRAY_SIZE(router_kw)];
static pthread_once_t kw_index_once = PTHREAD_ONCE_INIT;

/* The bucket of the first min(n, 4) letters of w, n >= 2, in any case. */
static unsigned
kw_bucket(const unsigned char *w, size_t n)
{
	uint32_t h = (uint32_t)(w[0] | 0x20) << 24 | (uint32_t)(w[1] | 0x20) << 16;

	if (n > 2)
		h |= (uint32_t)(w[2] | 0x20) << 8;
	if (n > 3)
		h |= w[3] | 0x20;
	return (h * 2654435761u) >> 20; /* the top 12 bits: KW_BUCKETS */
}

static void
kw_index_fill(void)
{
	uint16_t next[KW_BUCKETS];
	size_t i, b;

	for (i = 0; i < ARRAY_SIZE(router_kw); i++)
		kw_start[kw_bucket((const unsigned char *)router_kw[i].word, router_kw[i].len) + 1]++;
	for (b = 0; b < KW_BUCKETS; b++)
		kw_start[b + 1] += kw_start[b];
	memcpy(next, kw_start, sizeof(next));
	for (i = 0; i < ARRAY_SIZE(router_kw); i++)
		kw_list[next[kw_bucket((const unsigned char *)router_kw[i].word, router_kw[i].len)]++] = (uint16_t)i;
}

/* Add the groups of the keywords in bucket b that match the word w[0..n), in any case. */
static inline void
kw_match(const unsigned char *w, size_t n, unsigned b, unsigned *groups, unsigned *pl, unsigned *tech)
{
	size_t i, j;

	for (i = kw_start[b]; i < kw_start[b + 1]; i++) {
		const struct kw *k = &router_kw[kw_list[i]];

		if (k->len != n && !(k->prefix && k->len < n))
			continue;
		for (j = 0; j < k->len && (w[j] | 0x20) == (unsigned char)k->word[j]; j++)
			;
		if (j == k->len)
			kw_add(k, groups, pl, tech);
	}
}

/* The groups of the keywords the word w[0..n) is, or starts with for a stem. */
unsigned
router_kw_groups(const unsigned char *w, size_t n, unsigned *plain)
{
	unsigned groups = 0, pl = 0, tech = 0, b;

	if (plain != NULL)
		*plain = 0;
	if (n < 2 || n >= KW_WORD_MAX)
		return 0;
	pthread_once(&kw_index_once, kw_index_fill);
	b = kw_bucket(w, n);
	kw_match(w, n, b, &groups, &pl, &tech);
	/* A stem of three letters is in the bucket of the word's first three. */
	if (n > 3 && kw_bucket(w, 3) != b)
		kw_match(w, n, kw_bucket(w, 3), &groups, &pl, &tech);
	if (plain != NULL)
		*plain = pl & ~tech;
	return groups;
}

/* router_kw_groups by trying every keyword in turn: what the buckets must agree with. */
unsigned
router_kw_groups_slow(const unsigned char *w, size_t n, unsigned *plain)
{
	unsigned char low[KW_WORD_MAX];
	unsigned groups = 0, pl = 0, tech = 0;
	size_t i;

	if (plain != NULL)
		*plain = 0;
	if (n < 2 || n >= sizeof(low))
		return 0;
	for (i = 0; i < n; i++)
		low[i] = w[i] | 0x20;
	for (i = 0; i < ARRAY_SIZE(router_kw); i++) {
		const struct kw *k = &router_kw[i];

		if ((k->len == n || (k->prefix && k->len < n)) && memcmp(low, k->word, k->len) == 0)
			kw_add(k, &groups, &pl, &tech);
	}
	if (plain != NULL)
		*plain = pl & ~tech;
	return groups;
}

/* Keyword i of the table, NULL past its end (for tests). */
const char *
router_kw_word(size_t i)
{
	return i < ARRAY_SIZE(router_kw) ? router_kw[i].word : NULL;
}

/* Whether the table is sorted (for whoever reads it) and well formed. */
bool
router_kw_valid(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(router_kw); i++) {
		const struct kw *k = &router_kw[i];

		if (strlen(k->word) != k->len || k->len < 2 || k->len >= KW_WORD_MAX ||
		    (k->prefix && k->len < KW_STEM_MIN) || (k->group & ~(PLAIN | HARD)) >= KW_COUNT)
			return false;
		if (i > 0 && strcmp(router_kw[i - 1].word, k->word) > 0)
			return false;
	}
	return true;
}
