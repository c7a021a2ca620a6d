import { useEffect } from 'react';
import { ReconnectingSocket } from '../lib/reconnectingSocket';
import { monitoringStore } from '../store/monitoring';

/** The /ws URL of the server that served this page. */
export function webSocketUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

/**
 * Keeps one WebSocket to the server for the app's lifetime and feeds the store. Messages are applied once per
 * animation frame, so a burst (a replay after reconnecting) costs one render.
 */
export function useWebSocket(): void {
  useEffect(() => {
    const store = monitoringStore.getState();
    const socket = new ReconnectingSocket({
      url: webSocketUrl(),
      createSocket: (url) => new WebSocket(url),
      onMessages: (messages) => monitoringStore.getState().applyMessages(messages),
      onState: (state) => store.setConnection(state),
      schedule: (fn) => {
        // rAF stops in background tabs; a timer keeps the queue bounded there.
        if (document.visibilityState === 'visible') requestAnimationFrame(fn);
        else setTimeout(fn, 250);
      },
    });
    socket.start();
    return () => socket.stop();
  }, []);
}
