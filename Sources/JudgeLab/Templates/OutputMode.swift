// How a variant asks its judge to write its reply: free text, or constrained to the template's schema.

/// A variant's `output:` axis.
public enum OutputMode: String, CaseIterable, Sendable {
    /// Whatever the judge writes, read by the template's parser.
    case free
    /// The reply constrained to the template's `schema.json`: `response_format` `json_schema`
    /// (strict) on OpenAI-compatible endpoints (llama.cpp and vLLM enforce it with a grammar), a
    /// forced tool with that input schema on Anthropic, `responseSchema` on Gemini.
    case jsonSchema = "json_schema"
}

/// A variant's `verdict:` axis: where its verdict comes from.
public enum VerdictSource: String, CaseIterable, Sendable {
    /// The reply's text, read by the parser.
    case parsed
    /// The judge's token log probabilities at the verdict (`top_logprobs`, OpenAI-compatible
    /// endpoints): the most probable verdict, its confidence, and for scores the expected score.
    case logprobs
}
