// Lint for the library (TypeScript, type-aware rules kept light) and the
// project's JavaScript (tests, scripts, bench, demo). Formatting is Prettier's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["node_modules/", "built/", "coverage/", "types/commander.d.ts", "test/.results/", ".scratch/"] },
  js.configs.recommended,
  {
    files: ["lib/**/*.ts"],
    extends: [tseslint.configs.recommended],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-empty-object-type": ["error", { allowInterfaces: "with-single-extends" }],
      // Clients and pipelines get their typed command methods by merging an interface into the class
      // (as ioredis does): the methods themselves are synthesized at run time (lib/dispatch).
      "@typescript-eslint/no-unsafe-declaration-merging": "off",
    },
  },
  {
    files: ["lib/types/*.d.ts", "scripts/types/*.d.ts"],
    extends: [tseslint.configs.recommended],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-unused-vars": "off" },
  },
  {
    files: ["test/types/*.ts"],
    extends: [tseslint.configs.recommended],
    rules: { "@typescript-eslint/no-unused-vars": "off", "@typescript-eslint/no-unused-expressions": "off" },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: { ...globals.node }, sourceType: "commonjs" },
    rules: { "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }] },
  },
  { files: ["**/*.mjs"], languageOptions: { sourceType: "module" } },
);
