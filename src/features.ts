/**
 * Everything behind activation that is not needed to start: loaded on the first call that needs it (lazy.ts),
 * as dist/features.js. Activation registers the commands, views and providers; their code is here.
 */
export { ArceeClient } from './providers/client';
export { LmResponder } from './lm/respond';
export { ParticipantAnswers } from './participant/answer';
export { followupsFor } from './participant/plan';
export { ConversationStore } from './chat/store';
export { storeFilesAt } from './services/storeFiles';
export { ChatSurfaces } from './webview/chatHost';
export { apiKeyCommands } from './commands/apiKey';
export { chatCommands } from './commands/chat';
export { connectionCommands } from './commands/connection';
export { modelCommands } from './commands/models';
export { selectionCommands } from './commands/selection';
export { chatActions } from './lm/chatActions';
export { GhostTextProvider } from './ghostText/provider';
