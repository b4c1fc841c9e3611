/**
 * A catalogue entry → what VS Code's model picker and `selectChatModels` see. VS Code asks for this at start-up,
 * so it is apart from the request mapping (mapping.ts), which loads with the first request.
 */
import type { ModelInfo } from '../providers/api';

/** `LanguageModelChatInformation` as plain data. */
export interface LmModelInformation {
  id: string;
  name: string;
  family: string;
  version: string;
  tooltip?: string;
  detail?: string;
  maxInputTokens: number;
  maxOutputTokens: number;
  capabilities: { imageInput?: boolean; toolCalling?: boolean };
}

/** Used when the catalogue gives no context length (servers that list only ids). */
export const DEFAULT_CONTEXT_LENGTH = 32_768;
/** Answer room reserved when the catalogue gives no output limit. */
export const DEFAULT_MAX_OUTPUT = 8_192;

const TOOL_WORDS = new Set([
  'tools',
  'tool_choice',
  'tool_calling',
  'tool-calling',
  'function_calling',
  'tool_use',
  'functions',
]);

/**
 * Tool calling is "unknown", not "no", when the catalogue is silent (Arcee's `supported_features` is often null,
 * and servers that list only ids say nothing): VS Code's agent mode offers only tool-calling models, so a silent
 * catalogue would hide every model behind its sign-in wall. Only a declared parameter list without tools says no.
 */
function supportsTools(m: ModelInfo): boolean {
  if ([...m.supportedParameters, ...m.supportedFeatures].some((w) => TOOL_WORDS.has(w.toLowerCase()))) return true;
  return m.supportedParameters.length === 0;
}

/** A catalogue entry → what VS Code's model picker and `selectChatModels` see. */
export function modelInformation(m: ModelInfo): LmModelInformation {
  const context = m.contextLength && m.contextLength > 0 ? m.contextLength : DEFAULT_CONTEXT_LENGTH;
  const output =
    m.maxOutputTokens && m.maxOutputTokens > 0
      ? Math.min(m.maxOutputTokens, context)
      : Math.min(DEFAULT_MAX_OUTPUT, Math.floor(context / 4));
  const toolCalling = supportsTools(m);
  const imageInput = m.inputModalities.some((w) => w.toLowerCase() === 'image');
  const k = (n: number): string => (n >= 1024 ? `${Math.round(n / 1024)}K` : String(n));
  const info: LmModelInformation = {
    id: m.id,
    name: m.name,
    // An id may carry an organisation prefix (`arcee-ai/trinity-mini`); the family is the model's own name.
    family: m.id.slice(m.id.lastIndexOf('/') + 1),
    version: m.id,
    detail: `${k(context)} context`,
    maxInputTokens: Math.max(1, context - output),
    maxOutputTokens: output,
    capabilities: { toolCalling, imageInput },
  };
  if (m.description) info.tooltip = m.description;
  return info;
}
