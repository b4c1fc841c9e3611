/**
 * The model in the status bar, and what VS Code's Chat needs the user to know about it: a failure the user can fix
 * (a key, credits, a model) and the offer of a small Arcee model for Chat's utility tasks. They wait here rather
 * than in a toast, because a toast lies over Chat's input and its Stop button while an answer streams, and Chat
 * already shows the failure inline. The item turns to a warning (a failure) or gains a dot (an offer); a click
 * opens a menu with the fix or the offer, and Select Model.
 */
import vscode = require('vscode');
import { MODEL_MENU_COMMAND } from '../ids';
import type { ArceeError } from '../providers/errors';
import type { ArceeService } from '../services/arceeService';
import { Disposable } from '../services/dispose';

export class ModelStatus extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private failure: ArceeError | undefined;
  private offer: string | undefined;

  constructor(private readonly service: ArceeService) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('arcee.model', vscode.StatusBarAlignment.Right, 100));
    this.item.name = 'Arcee Model';
    // New settings or a new key may be the fix: the next request tells.
    this._register(service.onDidChange(() => this.clearFailure()));
    this.render();
  }

  /** The failure VS Code's Chat reported inline, until a request succeeds or the settings or key change. */
  get problem(): ArceeError | undefined {
    return this.failure;
  }

  /** The utility model on offer, until the user answers. */
  get utilityOffer(): string | undefined {
    return this.offer;
  }

  showFailure(error: ArceeError): void {
    this.failure = error;
    this.render();
  }

  clearFailure(): void {
    if (!this.failure) return;
    this.failure = undefined;
    this.render();
  }

  offerUtilityModel(modelId: string | undefined): void {
    this.offer = modelId;
    this.render();
  }

  /** Draws the item; also on a settings change (the model's name). */
  render(): void {
    const model = this.service.settings.model;
    if (this.failure) {
      this.item.text = `$(warning) ${model}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      this.item.tooltip = `Arcee: ${this.failure.message} Click for the fix.`;
      this.item.command = MODEL_MENU_COMMAND;
    } else if (this.offer) {
      this.item.text = `$(sparkle) ${model} $(circle-small-filled)`;
      this.item.backgroundColor = undefined;
      this.item.tooltip = `Arcee model: ${model}. VS Code Chat could use ${this.offer} for its titles and progress messages: click to choose.`;
      this.item.command = MODEL_MENU_COMMAND;
    } else {
      this.item.text = `$(sparkle) ${model}`;
      this.item.backgroundColor = undefined;
      this.item.tooltip = `Arcee model: ${model} — click to change`;
      this.item.command = 'arcee.selectModel';
    }
    this.item.show();
  }
}
