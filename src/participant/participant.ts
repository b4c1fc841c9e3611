/**
 * `@arcee` in VS Code's Chat view: /explain, /fix, /tests, /doc and free-form questions about code, answered
 * through the extension's own client and key. Registered at start-up; the answers (answer.ts) load with the
 * first request.
 */
import vscode = require('vscode');
import { PARTICIPANT_ID } from '../ids';
import { features } from '../lazy';
import type { ChatMessage, ChatRequest } from '../providers/api';
import type { ArceeClient } from '../providers/client';
import { Disposable } from '../services/dispose';
import type { ParticipantAnswers } from './answer';
import type { ParticipantCommand } from './plan';

/** What the participant needs of `ArceeService` (narrow, so tests can see what it uses). */
export interface ParticipantBackend {
  readonly settings: { readonly baseUrl: string; readonly model: string };
  /** The key entered for the server in use. */
  key(): Promise<string | undefined>;
  readonly log: { info(message: string): void; warn(message: string): void; error(message: string): void };
  client(options: { askForKey?: boolean }): Promise<ArceeClient | undefined>;
  request(messages: ChatMessage[], overrides?: Partial<ChatRequest>): ChatRequest;
}

/** `result.metadata` of every answer: what the follow-ups and the history need. */
export interface ArceeResultMetadata {
  command: ParticipantCommand | undefined;
  ok: boolean;
  hadCode: boolean;
}

/** The chat participant: its handler, follow-ups and icon. */
export class ArceeParticipant extends Disposable {
  private answers: ParticipantAnswers | undefined;

  constructor(
    extensionUri: vscode.Uri,
    private readonly service: ParticipantBackend,
  ) {
    super();
    const participant = this._register(
      vscode.chat.createChatParticipant(PARTICIPANT_ID, (r, c, s, t) => this.handle(r, c, s, t)),
    );
    participant.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'arcee.svg');
    participant.followupProvider = { provideFollowups: (result) => this.followups(result) };
  }

  /** The follow-ups after an answer (its metadata says which command ran and whether it worked). */
  followups(result: vscode.ChatResult): vscode.ChatFollowup[] {
    const meta = result.metadata as ArceeResultMetadata | undefined;
    if (!meta) return [];
    return features()
      .followupsFor(meta.command, meta)
      .map((f) => ({ prompt: '', command: f.command, label: f.label, participant: PARTICIPANT_ID }));
  }

  /** Answers one request; never throws (a failure becomes a sentence, buttons and `errorDetails`). */
  handle(
    request: vscode.ChatRequest,
    context: vscode.ChatContext,
    stream: vscode.ChatResponseStream,
    token: vscode.CancellationToken,
  ): Promise<vscode.ChatResult> {
    this.answers ??= new (features().ParticipantAnswers)(this.service);
    return this.answers.handle(request, context, stream, token);
  }
}

/** Registers `@arcee` in VS Code's Chat view. */
export function registerChatParticipant(extensionUri: vscode.Uri, service: ParticipantBackend): ArceeParticipant {
  return new ArceeParticipant(extensionUri, service);
}
