import { HubConnectionBuilder, LogLevel, type HubConnection } from "@microsoft/signalr";
import { getToken } from "./api";

// Hub connections authenticate with the same token (as access_token, since WebSockets cannot carry headers).
export function connectHub(path: string): HubConnection {
  return new HubConnectionBuilder()
    .withUrl(path, { accessTokenFactory: () => getToken() ?? "" })
    .withAutomaticReconnect()
    .configureLogging(LogLevel.Warning)
    .build();
}
