export { placeholder } from './placeholder.ts';
