// Lint configuration: typescript-eslint's recommended rules over all TypeScript sources.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "dist/**",
      "**/cdktf.out/**",
      "**/.terraform/**",
      "constructs/generated/**",
      "provider/plugin/generated/**",
      "coverage/**",
      ".cpq-sso/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      // Lazy `require()`s keep provider start-up cheap; their types come from `import()` annotations.
      "@typescript-eslint/consistent-type-imports": ["error", { disallowTypeAnnotations: false }],
    },
  },
  {
    // The simulator checks the provider from outside, so the two cannot share a bug (design.md).
    files: ["simulator/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/provider", "**/provider/**"],
              message:
                "The simulator imports nothing from provider/; shared host facts live in common/.",
            },
          ],
        },
      ],
    },
  },
  {
    // common/ holds facts both sides need (not CPQ contract logic), so it imports neither side.
    files: ["common/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["../*", "../**"],
              message:
                "common/ imports nothing from the provider, the simulator or anything else in the repo.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: { globals: globals.node, sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
