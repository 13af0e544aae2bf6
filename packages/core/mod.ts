export * from "./src/Collection.ts";
export * from "./src/DiscoveryError.ts";
export * from "./src/Pagination.ts";
export * from "./src/Credentials.ts";
export * from "./src/SignatureToken.ts";
export * from "./src/DiscoveryApi.ts";
export * from "./src/RequestValidation.ts";
export * from "./src/DiscoveryClient.ts";
