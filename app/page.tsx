export default function Home() {
  return <main>Engram</main>;
}
