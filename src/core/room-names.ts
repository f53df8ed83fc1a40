/**
 * Group portal names: the room's name is the group's name put through the network's
 * `group_name_template`, and a name a Matrix user gives the room goes back to the network
 * without the template's additions.
 */
const PLACEHOLDER = "{{name}}";

export function roomNameFor(template: string, groupName: string): string {
  return template.replace(PLACEHOLDER, groupName);
}

/** The group name inside a room name; the room name itself when the user dropped the template's parts. */
export function groupNameFrom(template: string, roomName: string): string {
  const [prefix = "", suffix = ""] = template.split(PLACEHOLDER);
  if (roomName.length >= prefix.length + suffix.length && roomName.startsWith(prefix) && roomName.endsWith(suffix)) {
    return roomName.slice(prefix.length, roomName.length - suffix.length);
  }
  return roomName;
}
