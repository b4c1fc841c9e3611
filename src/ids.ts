/**
 * Ids that package.json, activation and the feature code share, apart from both so that neither brings the
 * other's code along (activation loads src/features.ts only when a feature is used).
 */

/** `contributes.languageModelChatProviders[].vendor`. */
export const LM_VENDOR = 'arcee';
/** `contributes.chatParticipants[].id`. */
export const PARTICIPANT_ID = 'arcee.participant';
/** The sidebar chat's webview view (`contributes.views`). */
export const CHAT_VIEW_ID = 'arcee.chatView';
/** The editor chat panels' webview type (`onWebviewPanel:` activation). */
export const CHAT_PANEL_TYPE = 'arcee.chatPanel';
/** The inline edit's read-only diff sides. */
export const EDIT_SCHEME = 'arcee-edit';
/** The command behind Apply (internal: not in the palette); registered with the inline edit commands. */
export const APPLY_CODE_COMMAND = 'arcee.applyCode';
/** Where keys are made and credits bought. */
export const ARCEE_ACCOUNT_URL = 'https://chat.arcee.ai';
/** Ghost-text completions' commands (toggle is the status-bar item's click; accepted is internal). */
export const COMPLETIONS_COMMANDS = {
  toggle: 'arcee.completions.toggle',
  enable: 'arcee.completions.enable',
  disable: 'arcee.completions.disable',
  accepted: 'arcee.completions.accepted',
} as const;
/** The model's status bar item's click while it holds a failure's fix or an offer (commands/modelStatus.ts). */
export const MODEL_MENU_COMMAND = 'arcee.modelMenu';
