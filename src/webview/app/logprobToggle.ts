/** The composer's Logprobs toggle: asks for token probabilities so answers can be shaded by them. */
import { button } from './dom';

export class LogprobToggle {
  readonly el: HTMLButtonElement;

  constructor(
    private on: boolean,
    private readonly changed: (on: boolean) => void,
  ) {
    this.el = button(
      'Logprobs',
      'Shade answers by token probability (asks the model for logprobs)',
      () => this.set(!this.on),
      {
        className: 'secondary lp-toggle',
        dataset: { testid: 'chat-logprobs-toggle' },
      },
    );
    this.render();
  }

  get enabled(): boolean {
    return this.on;
  }

  set(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    this.render();
    this.changed(on);
  }

  private render(): void {
    this.el.setAttribute('aria-pressed', String(this.on));
  }
}
