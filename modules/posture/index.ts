export { EncryptionPosture } from "./encryption-posture";
