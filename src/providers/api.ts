/**
 * Types of the Arcee Chat Completions API (OpenAI-compatible), taken from the API reference, plus what the
 * platform notes say real servers add (reasoning fields, usage on stream chunks, in-band errors).
 */

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImageUrlPart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

export type ContentPart = TextPart | ImageUrlPart;

export interface FunctionCallParam {
  name: string;
  arguments: string;
}

export interface ToolCallParam {
  id: string;
  type: 'function';
  function: FunctionCallParam;
}

export interface SystemMessage {
  role: 'system';
  content: string;
  name?: string;
}

export interface UserMessage {
  role: 'user';
  content: string | ContentPart[];
  name?: string;
}

export interface AssistantMessage {
  role: 'assistant';
  content?: string | null;
  name?: string;
  tool_calls?: ToolCallParam[];
  function_call?: FunctionCallParam;
  /** Echoed back on tool turns for reasoning models (platform notes). */
  reasoning?: string;
  reasoning_content?: string;
}

export interface FunctionMessage {
  role: 'function';
  name: string;
  content: string | ContentPart[];
}

export interface ToolMessage {
  role: 'tool';
  tool_call_id: string;
  content: string | ContentPart[];
}

export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | FunctionMessage | ToolMessage;

export interface ToolDefinition {
  type: 'function';
  function: {
    name: string;
    description?: string;
    /** JSON Schema of the parameters. */
    parameters?: Record<string, unknown>;
  };
}

/**
 * `tool_choice`: the reference lists the three words; OpenAI-compatible servers (LiteLLM, vLLM, llama.cpp) also
 * take the named form, which makes the model call that one function.
 */
export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

/** Every request field of the reference. `null` means "leave it to the server" and is not sent. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** The API's own server-side timeout in seconds; unrelated to the client's timeouts. */
  timeout?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stream?: boolean | null;
  /** The reference types it as an object; servers accept a string or a list of strings. */
  stop?: string | string[] | Record<string, unknown> | null;
  max_tokens?: number | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  logit_bias?: Record<string, number> | null;
  user?: string | null;
  seed?: number | null;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  /** Not in the reference; OpenAI's, passed through by the server: whether one answer may call several tools. */
  parallel_tool_calls?: boolean | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  /** The reference types `functions` as a list of strings; OpenAI's legacy API uses objects. Both pass through. */
  functions?: (string | Record<string, unknown>)[] | null;
  function_call?: string | null;
  /** Not in the reference; passed through by the server (LiteLLM). */
  stream_options?: { include_usage?: boolean };
  /** Anything else a server understands (`arcee.extraBody`). */
  [extra: string]: unknown;
}

export interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  completion_tokens_details?: { reasoning_tokens?: number } & Record<string, unknown>;
  prompt_tokens_details?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface TopLogprob {
  token: string;
  logprob: number;
  bytes?: number[] | null;
}

export interface LogprobEntry extends TopLogprob {
  top_logprobs?: TopLogprob[];
}

/** One tool call as assembled from a stream or a complete response. */
export interface ToolCallResult {
  index: number;
  id: string | null;
  name: string;
  arguments: string;
  /**
   * True only when the answer has a finish reason and the arguments are valid JSON. An answer cut by `length` keeps
   * the calls it had finished; the one it was writing is incomplete. Never run a call without it.
   */
  complete: boolean;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call' | (string & {});

export interface ChoiceResult {
  index: number;
  content: string;
  reasoning: string;
  tool_calls: ToolCallResult[];
  finish_reason: FinishReason | null;
  logprobs: LogprobEntry[] | null;
  /**
   * Set when `tool_calls` were not sent as such but recovered from tool-call markup the model wrote at the end of
   * its reasoning (providers/toolMarkup.ts); the ids are then ours, not the server's.
   */
  recoveredToolCalls?: boolean;
}

/** An answer, complete or (inside an error) partial. */
export interface ChatResult {
  id: string | null;
  /** The model the server says answered (a router such as `auto` names the real one here). */
  model: string | null;
  choices: ChoiceResult[];
  usage: Usage | null;
}

/** What a stream yields, in order. Text and reasoning are deltas; `done` carries the assembled result. */
export type ChatEvent =
  | { type: 'text'; index: number; text: string }
  | { type: 'reasoning'; index: number; text: string }
  /** A lone `</think>` showed that the text streamed so far for this choice was reasoning; `text` is that text. */
  | { type: 'textWasReasoning'; index: number; text: string }
  | { type: 'toolCall'; index: number; callIndex: number; id: string | null; name: string; argumentsDelta: string }
  | { type: 'logprobs'; index: number; entries: LogprobEntry[] }
  | { type: 'finish'; index: number; reason: FinishReason }
  | { type: 'usage'; usage: Usage }
  | { type: 'model'; model: string }
  | { type: 'done'; result: ChatResult };

/** A model of the `/models` catalogue (OpenRouter's shape), normalised. */
export interface ModelInfo {
  id: string;
  name: string;
  description?: string;
  contextLength?: number;
  maxOutputTokens?: number;
  /** USD per token. */
  pricing?: { prompt?: number; completion?: number; image?: number; request?: number };
  inputModalities: string[];
  outputModalities: string[];
  supportedParameters: string[];
  supportedFeatures: string[];
}
