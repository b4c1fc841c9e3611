/**
 * The activation bench's baseline entry: the extension shaped as it was before issue 10, from today's sources.
 * Importing the feature code here runs all of it at load, as when extension.ts imported every feature; the bench
 * builds this as one bundle (nothing split off), and for "before" also puts back `import * as vscode` in each file.
 */
import '../../src/features';

export { activate, deactivate } from '../../src/extension';
