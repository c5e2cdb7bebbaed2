/** TypeDoc's warnings and errors for the API reference, one line each (empty when the docs are complete). */
export declare function apiDocProblems(): Promise<string[]>;
